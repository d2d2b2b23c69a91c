import { CosmosClient } from "@azure/cosmos";
import { runStateStoreConformance, runTimeSeriesConformance } from "@switchyard/conformance";
import type { StateStoreDriver, TimeSeriesDriver } from "@switchyard/core/driver";
import { describeService } from "../../../../test/harness/suite.js";
import { azure } from "../register.js";

let containers = 0;

describeService("cosmos", "cosmos adapter (cosmosdb-server)", (env) => {
  const adapter = azure({ cosmos: { connectionString: env.SWITCHYARD_COSMOS_CONNECTION_STRING! } });
  const handler = adapter.schemes.find((s) => s.scheme === "cosmos" && s.kind === "state")!;
  const series = adapter.schemes.find((s) => s.scheme === "cosmos" && s.kind === "timeseries")!;
  const open = async (path: string) =>
    (await handler.create(new URL(`cosmos://emulator/${path}`), {
      name: "conformance",
      baseDir: ".",
    })) as StateStoreDriver;

  runStateStoreConformance({
    name: "cosmos://",
    capabilities: { cas: true, ttl: true, increment: true },
    client: CosmosClient,
    probe: true,
    // Item TTL is whole seconds; reads filter on the exact expiry, the service deletes later.
    ttlMs: 1000,
    timeoutMs: 30_000,
    create: () => open(`conformance/state-${process.pid}-${++containers}?create=true`),
    createMissing: () => open("conformance/no-such-container"),
  });

  runTimeSeriesConformance({
    name: "cosmos://",
    client: CosmosClient,
    probe: true,
    query: true,
    timeoutMs: 30_000,
    create: async () =>
      (await series.create(
        new URL(`cosmos://emulator/conformance/series-${process.pid}-${++containers}?create=true`),
        {
          name: "conformance",
          baseDir: ".",
        },
      )) as TimeSeriesDriver,
    createMissing: async () =>
      (await series.create(new URL("cosmos://emulator/conformance/no-such-series"), {
        name: "conformance",
        baseDir: ".",
      })) as TimeSeriesDriver,
  });
});
