/**
 * Network faults between a pipeline and Kafka, made by Toxiproxy: the relay
 * pipeline reads and writes Kafka topics on a broker of its own, which advertises the proxy, through a proxy that adds, one after
 * another, a latency spike, a bandwidth limit, connection resets, a 12 s
 * blackhole and a half-open connection. Nothing may be lost, the run must
 * resume by itself after each, and the faults that stop traffic must show in
 * its warnings while they last.
 */
import { randomUUID } from "node:crypto";
import { ResourceResolver, defineConfig } from "@switchyard/core";
import { afterAll, expect, it } from "vitest";
import { kafka } from "../../packages/adapter-kafka/src/index.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { formatKafkaNode, launchKafka } from "../services/kafka.js";
import type { KafkaNode } from "../services/kafka.js";
import { rmSync } from "node:fs";
import { describeService } from "../harness/suite.js";
import { NETWORK_FAULTS } from "./network-faults.js";
import { networkRun } from "./network-run.js";
import type { NetworkRunHandles } from "./network-run.js";
import { within } from "./outage.js";
import { ToxiproxyClient } from "./toxiproxy-client.js";
import type { Proxy } from "./toxiproxy-client.js";

const RECORDS = 30_000;

describeService("toxiproxy", "network faults between a pipeline and Kafka", (tox) => {
  // The broker is its own: it must advertise the proxy's address, so that clients reach it only through the proxy.
  describeService("kafka", "through Toxiproxy", () => {
    const name = `net-${randomUUID().slice(0, 8)}`;
    let proxy: Proxy | undefined;
    let resolver: ResourceResolver | undefined;
    let node: KafkaNode | undefined;
    let broker: ServiceProcess | undefined;
    const handles: NetworkRunHandles = {};

    afterAll(async () => {
      await within(5000, proxy?.delete() ?? Promise.resolve());
      await within(5000, handles.relay?.stop(5000) ?? Promise.resolve());
      await within(5000, handles.log?.close() ?? Promise.resolve());
      await within(5000, resolver?.close() ?? Promise.resolve());
      await broker?.stop(5000);
      if (node !== undefined) rmSync(node.dir, { recursive: true, force: true });
    });

    it(
      "loses nothing, resumes by itself and warns while traffic is stopped",
      { timeout: 200_000 },
      async () => {
        const proxyPort = await freePort();
        node = await formatKafkaNode({ "advertised.listeners": `PLAINTEXT://127.0.0.1:${proxyPort}` });
        proxy = await new ToxiproxyClient(tox.SWITCHYARD_TOXIPROXY_URL!).proxy(
          name,
          `127.0.0.1:${node.brokerPort}`,
          `127.0.0.1:${proxyPort}`,
        );
        broker = await launchKafka(node);
        const via = (stream: string, partitions: number) =>
          `kafka://${proxy!.listen}/${name}-${stream}?create=true&partitions=${partitions}&sessionTimeoutMs=30000`;
        const streams = {
          items: via("items", 2),
          processed: via("processed", 2),
          "dead-letters": via("dead-letters", 1),
        };
        const config = defineConfig({ adapters: [kafka()], profiles: { fault: { streams } } });
        resolver = new ResourceResolver(config, "fault");
        const result = await networkRun(`kafka-${name}`, resolver, proxy, RECORDS, handles);
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
