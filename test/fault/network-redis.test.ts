/**
 * Network faults between a pipeline and Redis, made by Toxiproxy: the relay
 * pipeline reads and writes Redis streams through a proxy that adds, one after
 * another, a latency spike, a bandwidth limit, connection resets, a 12 s
 * blackhole and a half-open connection. Nothing may be lost, the run must
 * resume by itself after each, and the faults that stop traffic must show in
 * its warnings while they last.
 */
import { randomUUID } from "node:crypto";
import { ResourceResolver, Stream, defineConfig, json } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { redis } from "../../packages/adapter-redis/src/index.js";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item } from "../e2e/scale-out/pipeline.js";
import { describeService } from "../harness/suite.js";
import { NETWORK_FAULTS, applyFaults } from "./network-faults.js";
import { within } from "./outage.js";
import { collectEveryId } from "./read-back.js";
import { RelayRun, publishItems, relayPipeline, waitFor } from "./relay.js";
import { ToxiproxyClient } from "./toxiproxy-client.js";
import type { Proxy } from "./toxiproxy-client.js";

const RECORDS = 30_000;
const WORK_MS_PER_RECORD = 2;

describeService("toxiproxy", "network faults between a pipeline and Redis", (tox) => {
  describeService("redis", "through Toxiproxy", (env) => {
    const name = `net-${randomUUID().slice(0, 8)}`;
    let proxy: Proxy | undefined;
    let resolver: ResourceResolver | undefined;
    let relay: RelayRun | undefined;
    let log: ProcessedLog | undefined;

    afterAll(async () => {
      await within(5000, proxy?.delete() ?? Promise.resolve());
      await within(5000, relay?.stop(5000) ?? Promise.resolve());
      await within(5000, log?.close() ?? Promise.resolve());
      await within(5000, resolver?.close() ?? Promise.resolve());
    });

    it(
      "loses nothing, resumes by itself and warns while traffic is stopped",
      { timeout: 150_000 },
      async () => {
        proxy = await new ToxiproxyClient(tox.SWITCHYARD_TOXIPROXY_URL!).proxy(
          name,
          new URL(env.SWITCHYARD_REDIS_URL!).host,
        );
        const via = (stream: string) =>
          `redis-stream://${proxy!.listen}/${name}-${stream}?partitions=2&blockMs=200`;
        const config = defineConfig({
          adapters: [redis()],
          profiles: {
            fault: {
              streams: {
                items: via("items"),
                processed: via("processed"),
                "dead-letters": via("dead-letters"),
              },
            },
          },
        });
        resolver = new ResourceResolver(config, "fault");
        const items = new Stream<Item>(await resolver.open("stream", "items"), {
          name: "items",
          codec: json(),
        });
        await publishItems(items, RECORDS);
        const current = new RelayRun(
          relayPipeline({ group: `${name}-relay`, workMsPerRecord: WORK_MS_PER_RECORD }),
          resolver,
        );
        relay = current;
        await waitFor("the pipeline gets going", () => current.processed >= 1000, {
          timeoutMs: 30_000,
          failed: () => current.crash(),
          detail: () => `${current.processed} done`,
        });

        const outcomes = await applyFaults(proxy, current, NETWORK_FAULTS, 3000);
        const atEnd = current.processed;
        expect(atEnd, "the run outlasted the faults").toBeLessThan(RECORDS);
        const { output, summary, missing } = await collectEveryId(
          resolver,
          `${name}-audit`,
          current,
          RECORDS,
          (opened) => (log = opened),
        );
        for (const outcome of outcomes) {
          console.log(
            `network fault on redis: ${outcome.name}: ${outcome.doneDuring} done while it lasted, ${outcome.warnings.length} warnings` +
              (outcome.warnings[0] === undefined ? "" : ` — first: ${outcome.warnings[0].slice(0, 200)}`),
          );
        }
        console.log(
          `network faults on redis: ${RECORDS} records, ${missing.length} lost, ${output.duplicates} duplicates, ${summary.deadLetters} dead letters`,
        );
        expect(missing).toEqual([]);
        expect(summary.deadLetters).toBe(0);
        for (const [i, fault] of NETWORK_FAULTS.entries()) {
          if (fault.warns)
            expect(outcomes[i]!.warnings.length, `${fault.name} shows in the warnings`).toBeGreaterThan(0);
        }
      },
    );
  });
});
