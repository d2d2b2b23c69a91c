/**
 * The model endpoint dying mid-run, on the project's own model server: a
 * pipeline scores numbered records through `kserve://` and writes them to Kafka;
 * the server is killed with SIGKILL while the pipeline is busy and started again
 * on the same port a few seconds later. Within seconds a warning names the
 * model, its portable code and the retry, and the stats show records retrying;
 * when the server is back the run resumes and every record is scored and
 * written, none dead-lettered. A stop while the server is still down ends
 * within the drain timeout plus a small bound.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { ResourceResolver, Stream, defineConfig, json, pipeline } from "@switchyard/core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import { row } from "../../packages/model-server/src/fixture.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item, ProcessedItem } from "../e2e/scale-out/pipeline.js";
import { killServer, restartServer, within } from "../fault/outage.js";
import { collectEveryId } from "../fault/read-back.js";
import { RELAY, RelayRun, publishItems, waitFor } from "../fault/relay.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { describeService } from "../harness/suite.js";
import { launchModelServer, writeFixtureModel } from "./model-server-process.js";

const RECORDS = 6000;
const KILL_AT = 1500;
const DOWN_MS = 8000;
/** RelayRun's drain timeout, and what a stop may take beyond it (abandoning, flush, final commit). */
const STOP_BOUND_MS = 10_000 + 15_000;
/** A warning from the infer step that names the model, a portable code and the retry. */
const MODEL_RETRY = /infer#\d+: (Unavailable|DeadlineExceeded): [^\n]*model "fraud"[^\n]*retrying/;

/** Items in, scored by `fraud` (a little work per record, as a feature lookup would), out on `processed`. */
function scoringPipeline(group: string) {
  return pipeline("model-outage")
    .from<Item>("items", { group })
    .enrich(async (batch: Item[]) => {
      await new Promise((resolve) => setTimeout(resolve, batch.length));
      return batch;
    })
    .infer("fraud", {
      input: (item: Item) => row(item.id),
      output: (item: Item, score: unknown): ProcessedItem => {
        if (typeof score !== "number") throw new Error(`no score for ${item.id}: ${String(score)}`);
        return { id: item.id, by: RELAY };
      },
    })
    .to("processed")
    .configure({ batchSize: 100, maxInFlightBatches: 100 });
}

// Uses a model server of its own, which it kills; Kafka is the harness's broker.
describeService("kafka", "the model server killed and restarted mid-run", (env) => {
  let port = 0;
  let dir = "";
  let model = "";
  let server: ServiceProcess | undefined;
  let resolver: ResourceResolver | undefined;
  let relay: RelayRun | undefined;
  let log: ProcessedLog | undefined;

  beforeAll(async () => {
    dir = makeRunDir("model-server");
    model = await writeFixtureModel(dir);
    port = await freePort();
  });

  afterEach(async () => {
    await within(5000, relay?.stop(5000) ?? Promise.resolve());
    await within(5000, log?.close() ?? Promise.resolve());
    await within(5000, resolver?.close() ?? Promise.resolve());
    await server?.stop(2000);
    [server, resolver, relay, log] = [undefined, undefined, undefined, undefined];
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the server and a busy scoring run over RECORDS items; resolves once KILL_AT are done. */
  async function busyRun(name: string): Promise<RelayRun> {
    server = await launchModelServer(model, port, dir);
    const topic = (stream: string, partitions: number) =>
      `kafka://${env.SWITCHYARD_KAFKA_BROKERS!}/${name}-${stream}?create=true&partitions=${partitions}`;
    const config = defineConfig({
      adapters: [kafka()],
      profiles: {
        ops: {
          streams: {
            items: topic("items", 4),
            processed: topic("processed", 4),
            "dead-letters": topic("dead-letters", 1),
          },
          models: { fraud: `kserve://127.0.0.1:${port}/fraud` },
        },
      },
    });
    resolver = new ResourceResolver(config, "ops");
    const items = new Stream<Item>(await resolver.open("stream", "items"), { name: "items", codec: json() });
    await publishItems(items, RECORDS);
    const current = new RelayRun(scoringPipeline(`${name}-scorer`), resolver);
    relay = current;
    await waitFor("the pipeline gets going", () => current.processed >= KILL_AT, {
      timeoutMs: 60_000,
      failed: () => current.crash(),
      detail: () => `${current.processed} of ${RECORDS} done; warnings:\n${current.lastWarnings()}`,
    });
    return current;
  }

  it(
    "warns, shows the retries, resumes when it is back and loses nothing",
    { timeout: 240_000 },
    async () => {
      const name = `model-${randomUUID().slice(0, 8)}`;
      const current = await busyRun(name);
      const atKill = current.processed;
      const killedAt = Date.now();
      const restarted = restartServer(server!, DOWN_MS, () => launchModelServer(model, port, dir));
      const detail = () => `${current.processed} done; warnings:\n${current.lastWarnings()}`;

      await waitFor(
        "a warning names the model, the code and the retry",
        () => current.warnings.some((w) => MODEL_RETRY.test(w)),
        {
          timeoutMs: DOWN_MS,
          failed: () => current.crash(),
          detail,
        },
      );
      const warnedMs = Date.now() - killedAt;
      await waitFor("the stats count records retrying", () => current.stats().retrying > 0, {
        timeoutMs: DOWN_MS,
        failed: () => current.crash(),
        detail,
      });
      const outage = await restarted;
      server = outage.server;
      const backAt = Date.now();

      const { output, summary, missing, unknown } = await collectEveryId(
        resolver!,
        `${name}-audit`,
        current,
        RECORDS,
        (opened) => (log = opened),
      );
      const report =
        `${RECORDS} records, ${output.records} written, ${output.duplicates} duplicates, ` +
        `${summary.deadLetters} dead letters; model killed with ${atKill} done, warned after ${warnedMs} ms, ` +
        `down ${outage.times.downMs} ms, every id out ${Date.now() - backAt} ms after it was back; ` +
        `${current.warnings.length} warnings`;
      console.log(`model-outage: ${report}`);
      expect(warnedMs, `the outage shows within seconds; ${report}`).toBeLessThan(DOWN_MS);
      expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
      expect(summary.deadLetters, `a model outage is transient: nothing is dead-lettered; ${report}`).toBe(0);
    },
  );

  it("stops gracefully while the model is still down", { timeout: 180_000 }, async () => {
    const current = await busyRun(`model-${randomUUID().slice(0, 8)}`);
    await killServer(server!);
    await waitFor("the run retries the model", () => current.stats().retrying > 0, {
      timeoutMs: 15_000,
      failed: () => current.crash(),
      detail: () => current.lastWarnings(),
    });
    const stopping = Date.now();
    const summary = await current.stop(STOP_BOUND_MS);
    const tookMs = Date.now() - stopping;
    console.log(`model-outage: stopped with the model down in ${tookMs} ms, ${summary.processed} done`);
    expect(tookMs, "the drain timeout plus a small bound").toBeLessThan(STOP_BOUND_MS);
    expect(summary.deadLetters, "records left undone are redelivered, not dead-lettered").toBe(0);
  });
});
