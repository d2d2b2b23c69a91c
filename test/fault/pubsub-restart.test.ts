/**
 * A Pub/Sub endpoint that goes away mid-run: a pipeline relays numbered
 * records from one topic to another on a gcloud Pub/Sub emulator of the
 * test's own. The emulator is killed with SIGKILL while the pipeline is busy,
 * stays down a few seconds and is started again on the same port. Its clients
 * reach it through a relay ({@link Gate}) that is shut from the kill until the
 * new emulator has been given back what the service would have kept (decision
 * 2260): the emulator keeps nothing across a restart, and the service never
 * answers "topic not found" for a topic an outage cannot delete.
 *
 * What the test puts back, before clients can reach the emulator again: the
 * three topics and both subscriptions as they were; on `items`, every record
 * the pipeline had not received (the service would still hold them unacked);
 * on `processed`, every record the pipeline had written and the audit had not
 * yet read. What it does not put back: the records the pipeline had received
 * and not yet written — the pipeline holds them across the outage and must
 * write them itself once the endpoint is back, retrying its writes and acks.
 *
 * Shown: the run neither crashes nor dead-letters anything; the streaming
 * pulls of the pipeline and of the audit are re-established on their own;
 * every record reaches the output at least once, the held ones by the
 * pipeline alone. Not shown: that the service would redeliver those held
 * records had the pipeline dropped them (the new emulator never issued their
 * ack ids, so their acks go nowhere), nor throttling or partial outages.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { ResourceResolver, Stream, defineConfig, json } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcp } from "../../packages/adapter-gcp/src/index.js";
import { describeServices } from "../e2e/persistent-profiles.js";
import { ProcessedLog } from "../e2e/processed-log.js";
import type { Item, ProcessedItem } from "../e2e/scale-out/pipeline.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { launchPubSub } from "../services/pubsub.js";
import { restartServer, within } from "./outage.js";
import { Gate } from "./pubsub-gate.js";
import { createLayout, publishTo } from "./pubsub-outage.js";
import type { TopicLayout } from "./pubsub-outage.js";
import { TappedSource } from "./pubsub-taps.js";
import { waitQuiet } from "./read-back.js";
import { RELAY, RelayRun, relayPipeline, waitFor } from "./relay.js";

const RECORDS = 3000;
/** Few ordering keys: the emulator's ordered delivery stalls with thousands (docs/adapters/gcp.md). */
const KEYS = 32;
const WORK_MS_PER_RECORD = 2;
const KILL_AT = 800;
const DOWN_MS = 3000;
/** Records the pipeline must hold, received and not yet written, when the emulator is killed. */
const MIN_HELD = 20;
const PROJECT = "fault";

const keyOf = (id: number) => `k${id % KEYS}`;

// Uses an emulator of its own, which it kills; the harness's shared one only tells whether it runs here.
describeServices(["pubsub"], "the Pub/Sub emulator killed and restarted mid-run", () => {
  const name = `fault-${randomUUID().slice(0, 8)}`;
  let dir: string | undefined;
  let emulator = "";
  let port = 0;
  let gate: Gate | undefined;
  let server: ServiceProcess | undefined;
  let resolver: ResourceResolver | undefined;
  let relay: RelayRun | undefined;
  let log: ProcessedLog | undefined;
  const previousHost = process.env.PUBSUB_EMULATOR_HOST;

  beforeAll(async () => {
    port = await freePort();
    emulator = `127.0.0.1:${port}`;
    dir = makeRunDir("pubsub-fault");
    server = await launchPubSub(port, dir);
    gate = new Gate(await freePort(), port);
    await gate.open();
    // Google's clients read the emulator's address from here; the pipeline's go through the gate.
    process.env.PUBSUB_EMULATOR_HOST = gate.host;
  }, 90_000);

  afterAll(async () => {
    // Each step is bounded: after a failed restart, clients of a dead server could wait out their timeouts.
    await within(5000, relay?.stop(5000) ?? Promise.resolve());
    await within(5000, log?.close() ?? Promise.resolve());
    await within(5000, resolver?.close() ?? Promise.resolve());
    await gate?.shut();
    await server?.stop(2000);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    process.env.PUBSUB_EMULATOR_HOST = previousHost;
  });

  it("keeps the pipeline running and delivers every record at least once", { timeout: 240_000 }, async () => {
    const topic = (stream: string) =>
      `pubsub://${PROJECT}/${name}-${stream}?create=true&ackDeadlineSeconds=10&maxOutstanding=500`;
    resolver = new ResourceResolver(
      defineConfig({
        adapters: [gcp()],
        profiles: {
          fault: {
            streams: {
              items: topic("items"),
              processed: topic("processed"),
              "dead-letters": topic("dead-letters"),
            },
          },
        },
      }),
      "fault",
    );
    // What the adapter creates with create=true, and the test creates again after the restart.
    const layout: TopicLayout[] = [
      { topic: `${name}-items`, subscriptions: [{ name: `${name}-relay`, ackDeadlineSeconds: 10 }] },
      { topic: `${name}-processed`, subscriptions: [{ name: `${name}-audit`, ackDeadlineSeconds: 10 }] },
      { topic: `${name}-dead-letters`, subscriptions: [] },
    ];
    const items = new Stream<Item>(await resolver.open("stream", "items"), { name: "items", codec: json() });
    // Both subscriptions exist before anything is published: Pub/Sub keeps a message only for those.
    await (await items.subscribe({ group: `${name}-relay` })).close();
    const processed = new Stream<ProcessedItem>(await resolver.open("stream", "processed"), {
      name: "processed",
      codec: json(),
    });
    const output = await ProcessedLog.start(processed, `${name}-audit`);
    log = output;
    for (let first = 0; first < RECORDS; first += 1000) {
      const ids = Array.from({ length: Math.min(1000, RECORDS - first) }, (_, i) => first + i);
      await items.publish(ids.map((id) => ({ key: keyOf(id), value: { id } })));
    }

    const started = Date.now();
    const taps = new TappedSource(resolver);
    const current = new RelayRun(
      relayPipeline({ group: `${name}-relay`, workMsPerRecord: WORK_MS_PER_RECORD }),
      taps,
    );
    relay = current;
    // The kill lands while the pipeline holds records it has not written yet: those must survive it.
    const inHand = () => taps.received.size - [...taps.received].filter((id) => taps.written.has(id)).length;
    await waitFor("the pipeline gets going", () => current.processed >= KILL_AT && inHand() >= MIN_HELD, {
      timeoutMs: 60_000,
      failed: () => current.crash(),
      detail: () =>
        `${current.processed} of ${RECORDS} done, ${inHand()} in hand; warnings:\n${current.lastWarnings()}`,
    });

    const atKill = current.processed;
    const killedAt = Date.now() - started;
    await gate!.shut();
    const outage = await restartServer(server!, DOWN_MS, () => launchPubSub(port, dir!));
    server = outage.server;
    // Nothing reaches the emulator while the gate is shut: these are what the pipeline and the audit had.
    const ids = Array.from({ length: RECORDS }, (_, id) => id);
    const notReceived = ids.filter((id) => !taps.received.has(id) && !taps.written.has(id));
    const unread = [...taps.written].filter((id) => !output.arrivals.has(id));
    const held = [...taps.received].filter((id) => !taps.written.has(id));
    await createLayout(emulator, PROJECT, layout);
    await publishTo(
      emulator,
      PROJECT,
      `${name}-items`,
      notReceived.map((id) => ({ key: keyOf(id), value: { id } })),
    );
    await publishTo(
      emulator,
      PROJECT,
      `${name}-processed`,
      unread.map((id) => ({ key: keyOf(id), value: { id, by: RELAY } })),
    );
    await gate!.open();
    const backAt = Date.now();
    expect(atKill, "the emulator went away only once the run was over").toBeLessThan(RECORDS);
    expect(held.length, "the outage caught records in the pipeline's hands").toBeGreaterThan(0);

    // A held id the new emulator acknowledged and the audit never read points at the reading, not the pipeline.
    const heldMissing = (written: boolean) =>
      held.filter((id) => !output.arrivals.has(id) && taps.written.has(id) === written).length;
    await waitFor(
      "every id reaches the output after the restart",
      () => {
        output.check();
        return output.distinct >= RECORDS;
      },
      {
        // Quiet-machine runs took 19–58 s: the emulator's ordered redelivery after a restart is slow.
        timeoutMs: 120_000,
        failed: () => current.crash(),
        detail: () =>
          `${output.distinct} ids out; of the ${held.length} held, still missing ${heldMissing(true)} the ` +
          `pipeline wrote and ${heldMissing(false)} it did not; ${current.processed} done; ` +
          `warnings:\n${current.lastWarnings(10)}`,
      },
    );
    const everyIdOutMs = Date.now() - backAt;
    const summary = await current.stop(15_000);
    await waitQuiet(() => output.records, 1000, 10_000);
    const missing = ids.filter((id) => !output.arrivals.has(id));
    const unknown = [...output.arrivals.keys()].filter((id) => !(id >= 0 && id < RECORDS));
    const report =
      `${RECORDS} records, ${output.records} written, ${output.duplicates} duplicates, ` +
      `${summary.deadLetters} dead letters; emulator killed at ${killedAt} ms (${atKill} done), ` +
      `unreachable ${backAt - started - killedAt} ms (emulator down ${outage.times.downMs} ms, its restart ` +
      `${outage.times.restartMs} ms), every id out ${everyIdOutMs} ms after; held across the outage ${held.length}, ` +
      `put back on items ${notReceived.length}, on processed ${unread.length}; ${current.warnings.length} warnings`;
    console.log(`pubsub-restart: ${report}`);
    expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
    expect(summary.deadLetters, `an outage is transient: nothing is dead-lettered; ${report}`).toBe(0);
  });
});
