/**
 * A Kafka broker of a fault test's own, which the test kills with SIGKILL
 * mid-run and starts again on the same ports — on its data as it was, or with
 * its data wiped — and the relay pipeline kept busy on it until the kill.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Stream, json } from "@switchyard/core";
import type { ResourceSource } from "@switchyard/core";
import type { Item } from "../e2e/scale-out/pipeline.js";
import type { ServiceProcess } from "../harness/processes.js";
import { formatKafkaNode, launchKafka } from "../services/kafka.js";
import type { KafkaNode } from "../services/kafka.js";
import { killServer, restartServer } from "./outage.js";
import type { OutageTimes } from "./outage.js";
import { publishItems, relayPipeline, startBusy } from "./relay.js";
import type { RelayRun } from "./relay.js";

/** Records relayed per run. */
export const RECORDS = 6000;
/** At about a thousand records a second, the run is a quarter done when the broker is killed. */
const WORK_MS_PER_RECORD = 1;
const KILL_AT = 1500;
const DOWN_MS = 3000;
/**
 * A restarted broker registers again only once the controller gave up on its
 * previous incarnation (after `broker.session.timeout.ms`, 9 s by default, as in
 * production); a shorter session keeps the test short without changing what it shows.
 */
const BROKER_PROPERTIES = { "broker.session.timeout.ms": "2000", "broker.heartbeat.interval.ms": "500" };
/** What a wipe keeps in the log directory: the KRaft metadata log and the directory's identity. */
const KEPT_ON_WIPE = new Set(["__cluster_metadata-0", "meta.properties", "bootstrap.checkpoint"]);

/** A single-node broker that can be killed and started again. */
export class OwnKafka {
  private constructor(
    private readonly node: KafkaNode,
    private broker: ServiceProcess,
  ) {}

  /** Formats a node and starts its broker. */
  static async start(): Promise<OwnKafka> {
    const node = await formatKafkaNode(BROKER_PROPERTIES);
    try {
      return new OwnKafka(node, await launchKafka(node));
    } catch (err) {
      rmSync(node.dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Its PLAINTEXT listener as `host:port`. */
  get address(): string {
    return `127.0.0.1:${this.node.brokerPort}`;
  }

  /**
   * Kills the broker, keeps it down `downMs` (a few seconds by default) and
   * starts it again on the same ports. With `wipe`, every partition's data (records, producer state,
   * checkpoints, committed offsets) is deleted meanwhile; only the cluster's
   * metadata log stays, as when it lives on a disk of its own
   * (`metadata.log.dir`): the broker comes back knowing its topics, all empty.
   */
  async restart(options: { wipe: boolean; downMs?: number }): Promise<OutageTimes> {
    const outage = await restartServer(this.broker, options.downMs ?? DOWN_MS, () => {
      if (options.wipe) this.wipeData();
      return launchKafka(this.node);
    });
    this.broker = outage.server;
    return outage.times;
  }

  /** Kills the broker as a crash would and leaves it down (until {@link OwnKafka.stop}). */
  async kill(): Promise<void> {
    await killServer(this.broker);
  }

  /** Stops the broker and removes its directory. */
  async stop(): Promise<void> {
    await this.broker.stop(2000);
    rmSync(this.node.dir, { recursive: true, force: true });
  }

  private wipeData(): void {
    const data = join(this.node.dir, "data");
    for (const entry of readdirSync(data)) {
      if (!KEPT_ON_WIPE.has(entry)) rmSync(join(data, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Publishes items 0…RECORDS-1 to the profile's `items` stream, starts the relay
 * pipeline in group `group` (with at most `maxInFlightBatches` batches of 100
 * in flight, all of them by default), and resolves once it is busy enough for
 * the kill (a quarter done). `started` receives the run at once, so the caller
 * can stop it whatever happens.
 */
export async function busyRelay(
  resolver: ResourceSource,
  group: string,
  started: (run: RelayRun) => void,
  maxInFlightBatches = 100,
): Promise<RelayRun> {
  const items = new Stream<Item>(await resolver.open("stream", "items"), { name: "items", codec: json() });
  await publishItems(items, RECORDS);
  return startBusy(
    relayPipeline({ group, workMsPerRecord: WORK_MS_PER_RECORD, maxInFlightBatches }),
    resolver,
    KILL_AT,
    started,
  );
}
