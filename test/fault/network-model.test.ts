/**
 * Network faults between a pipeline and its model server, made by Toxiproxy:
 * a pipeline scores numbered records through `kserve://` on the project's model
 * server, reached only through a proxy, and writes them to Kafka (reached
 * directly). The proxy adds, one after another, a latency spike, a bandwidth
 * limit, connection resets, a 12 s blackhole and a half-open connection. The
 * model step has a fallback: while the model cannot answer, the fallback
 * scores the records and the run goes on. Shown: nothing lost or
 * dead-lettered; during each fault that cuts the model off, records go on
 * being done, scored by the fallback, and a warning says so; once the faults
 * are over, the model scores records again by itself.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { ResourceResolver, Stream, defineConfig, json, pipeline } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import { row } from "../../packages/model-server/src/fixture.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item, ProcessedItem } from "../e2e/scale-out/pipeline.js";
import { Feed } from "../e2e/feed.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { describeService } from "../harness/suite.js";
import { launchModelServer, writeFixtureModel } from "../ops/model-server-process.js";
import { NETWORK_FAULTS, applyFaults } from "./network-faults.js";
import { within } from "./outage.js";
import { collectEveryId } from "./read-back.js";
import { RelayRun, waitFor } from "./relay.js";
import { ToxiproxyClient } from "./toxiproxy-client.js";
import type { Proxy } from "./toxiproxy-client.js";

/** Items arrive this many a send, a send every FEED_EVERY_MS (500 a second), until the model is back. */
const FEED_PER_SEND = 100;
const FEED_EVERY_MS = 200;
/** The model call's deadline: above what the latency spike and bandwidth limit add, so they need no fallback. */
const MODEL_TIMEOUT_MS = 3000;

/** Who scored the records the infer step has let through so far. */
interface ScoredBy {
  model: number;
  fallback: number;
}

/** Items in, scored by `fraud` through the proxy (its fallback where it cannot answer), out on `processed`. */
function scoringPipeline(group: string, scored: ScoredBy) {
  return pipeline("network-model")
    .from<Item>("items", { group })
    .enrich(async (batch: Item[]) => {
      await new Promise((resolve) => setTimeout(resolve, batch.length * 2));
      return batch;
    })
    .infer("fraud", {
      input: (item: Item) => row(item.id),
      output: (item: Item, score: unknown, meta: { fallback: boolean }): ProcessedItem => {
        if (typeof score !== "number") throw new Error(`no score for ${item.id}: ${String(score)}`);
        scored[meta.fallback ? "fallback" : "model"] += 1;
        return { id: item.id, by: meta.fallback ? "fallback" : "model" };
      },
      endpoint: { timeoutMs: MODEL_TIMEOUT_MS, fallback: (inputs) => inputs.map(() => 0) },
    })
    .to("processed")
    .configure({ batchSize: 100, maxInFlightBatches: 100 });
}

describeService("toxiproxy", "network faults between a pipeline and its model server", (tox) => {
  describeService("kafka", "through Toxiproxy", (env) => {
    const name = `netmodel-${randomUUID().slice(0, 8)}`;
    let dir = "";
    let server: ServiceProcess | undefined;
    let proxy: Proxy | undefined;
    let resolver: ResourceResolver | undefined;
    let relay: RelayRun | undefined;
    let log: ProcessedLog | undefined;
    let feed: Feed | undefined;

    beforeAll(async () => {
      dir = makeRunDir("network-model");
      const port = await freePort();
      server = await launchModelServer(await writeFixtureModel(dir), port, dir);
      proxy = await new ToxiproxyClient(tox.SWITCHYARD_TOXIPROXY_URL!).proxy(
        name,
        `127.0.0.1:${port}`,
        `127.0.0.1:${await freePort()}`,
      );
    }, 90_000);

    afterAll(async () => {
      await within(5000, proxy?.delete() ?? Promise.resolve());
      await within(5000, feed?.stop() ?? Promise.resolve());
      await within(5000, relay?.stop(5000) ?? Promise.resolve());
      await within(5000, log?.close() ?? Promise.resolve());
      await within(5000, resolver?.close() ?? Promise.resolve());
      await server?.stop(2000);
      if (dir !== "") rmSync(dir, { recursive: true, force: true });
    });

    it(
      "goes on with the fallback while the model is cut off, loses nothing, and returns to the model",
      { timeout: 240_000 },
      async () => {
        const topic = (stream: string, partitions: number) =>
          `kafka://${env.SWITCHYARD_KAFKA_BROKERS!}/${name}-${stream}?create=true&partitions=${partitions}`;
        resolver = new ResourceResolver(
          defineConfig({
            adapters: [kafka()],
            profiles: {
              fault: {
                streams: {
                  items: topic("items", 4),
                  processed: topic("processed", 4),
                  "dead-letters": topic("dead-letters", 1),
                },
                models: { fraud: `kserve://${proxy!.listen}/fraud` },
              },
            },
          }),
          "fault",
        );
        const items = new Stream<Item>(await resolver.open("stream", "items"), {
          name: "items",
          codec: json(),
        });
        const source = new Feed(items, FEED_PER_SEND, FEED_EVERY_MS);
        feed = source;
        const scored: ScoredBy = { model: 0, fallback: 0 };
        const current = new RelayRun(scoringPipeline(`${name}-scorer`, scored), resolver);
        relay = current;
        await waitFor("the pipeline gets going", () => current.processed >= 1000, {
          timeoutMs: 60_000,
          failed: () => {
            source.check();
            return current.crash();
          },
          detail: () => `${current.processed} done; warnings:\n${current.lastWarnings()}`,
        });
        expect(scored.fallback, "the model answers while the network is clean").toBe(0);

        const outcomes = await applyFaults(proxy!, current, NETWORK_FAULTS, 3000, () => scored.fallback);
        const modelAfterFaults = scored.model;
        // The model must score records again on its own once the network is clean.
        await waitFor(
          "the model scores again after the faults",
          () => scored.model > modelAfterFaults + 500,
          {
            timeoutMs: 60_000,
            failed: () => current.crash(),
            detail: () =>
              `${current.processed} done; ${JSON.stringify(scored)}; warnings:\n${current.lastWarnings()}`,
          },
        );
        await source.stop();
        source.check();
        const records = source.published;

        const { output, summary, missing, unknown } = await collectEveryId(
          resolver,
          `${name}-audit`,
          current,
          records,
          (opened) => (log = opened),
        );
        const perFault = outcomes
          .map(
            (o) =>
              `${o.name}: ${o.doneDuring} done, ${o.countedDuring} by the fallback, ${o.warnings.length} warnings`,
          )
          .join("; ");
        const report =
          `${records} records, ${output.records} written, ${output.duplicates} duplicates, ` +
          `${summary.deadLetters} dead letters; scored by the model ${scored.model}, by the fallback ` +
          `${scored.fallback}; ${perFault}`;
        console.log(`network faults (model): ${report}`);
        expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
        expect(summary.deadLetters, `a network fault is transient: nothing is dead-lettered; ${report}`).toBe(
          0,
        );
        for (const [i, fault] of NETWORK_FAULTS.entries()) {
          if (!fault.warns) continue;
          const outcome = outcomes[i]!;
          expect(outcome.doneDuring, `${fault.name}: the run goes on; ${report}`).toBeGreaterThan(0);
          expect(outcome.countedDuring, `${fault.name}: the fallback scores; ${report}`).toBeGreaterThan(0);
          expect(
            outcome.warnings.some((w) => /fallback/.test(w)),
            `${fault.name}: a warning says the fallback answers; ${report}`,
          ).toBe(true);
        }
      },
    );
  });
});
