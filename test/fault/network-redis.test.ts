/**
 * Network faults between a pipeline and Redis, made by Toxiproxy: the relay
 * pipeline reads and writes Redis streams through a proxy that adds, one after
 * another, a latency spike, a bandwidth limit, connection resets, a 12 s
 * blackhole and a half-open connection. Nothing may be lost, the run must
 * resume by itself after each, and the faults that stop traffic must show in
 * its warnings while they last.
 */
import { randomUUID } from "node:crypto";
import { ResourceResolver, defineConfig } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { redis } from "../../packages/adapter-redis/src/index.js";
import { describeService } from "../harness/suite.js";
import { NETWORK_FAULTS } from "./network-faults.js";
import { networkRun } from "./network-run.js";
import type { NetworkRunHandles } from "./network-run.js";
import { within } from "./outage.js";
import { ToxiproxyClient } from "./toxiproxy-client.js";
import type { Proxy } from "./toxiproxy-client.js";

const RECORDS = 30_000;

describeService("toxiproxy", "network faults between a pipeline and Redis", (tox) => {
  describeService("redis", "through Toxiproxy", (env) => {
    const name = `net-${randomUUID().slice(0, 8)}`;
    let proxy: Proxy | undefined;
    let resolver: ResourceResolver | undefined;
    const handles: NetworkRunHandles = {};

    afterAll(async () => {
      await within(5000, proxy?.delete() ?? Promise.resolve());
      await within(5000, handles.relay?.stop(5000) ?? Promise.resolve());
      await within(5000, handles.log?.close() ?? Promise.resolve());
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
        const streams = {
          items: via("items"),
          processed: via("processed"),
          "dead-letters": via("dead-letters"),
        };
        const config = defineConfig({ adapters: [redis()], profiles: { fault: { streams } } });
        resolver = new ResourceResolver(config, "fault");
        const result = await networkRun(`redis-${name}`, resolver, proxy, RECORDS, handles);
        expect(result.doneAfterFaults, "the run outlasted the faults").toBeLessThan(RECORDS);
        expect(result.missing).toEqual([]);
        expect(result.deadLetters).toBe(0);
        for (const [i, fault] of NETWORK_FAULTS.entries()) {
          if (fault.warns)
            expect(
              result.outcomes[i]!.warnings.length,
              `${fault.name} shows in the warnings`,
            ).toBeGreaterThan(0);
        }
      },
    );
  });
});
