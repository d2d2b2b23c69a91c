/**
 * The Cosmos DB state store against the raw @azure/cosmos 4 client doing the
 * same work on the same cosmosdb-server (started through the test harness),
 * interleaved: `StateStore<Uint8Array>` with the raw codec over
 * `CosmosStateStore`, versus `items.upsert({ id, v })` and
 * `item(id, id).read()` (the adapter's item layout: the value base64 in `v`),
 * each doing the same puts then gets of 100-byte values over 200 keys with
 * 16 calls in flight. A second comparison reads batches of 20 keys
 * (`StateStore.getMany` against 20 concurrent point reads).
 *
 * cosmosdb-server serves one request at a time in one Node process and closes
 * every connection: it, not Cosmos DB, bounds both sides (a few ms a call).
 * `npm run bench -- cosmos-state [ops] [runs]` (defaults 2000 and 5).
 */
import { CosmosClient } from "@azure/cosmos";
import { StateStore, raw } from "@switchyard/core";
import { CosmosStateStore, parseCosmosUrl } from "@switchyard/adapter-azure";
import { startServices, stopServices } from "../test/harness/runner.js";
import { COSMOS_CONNECTION_ENV, cosmos } from "../test/services/cosmos.js";
import { interleaved, type BenchResult } from "./report.js";

const KEYS = 200;
const IN_FLIGHT = 16;
const BATCH = 20;
const value = new Uint8Array(100).fill(7);
const keys = Array.from({ length: KEYS }, (_, i) => `card-${i}`);

/** Runs `ops` calls of `call`, `IN_FLIGHT` at a time, and returns calls per second. */
async function rate(ops: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const began = performance.now();
  const worker = async () => {
    while (next < ops) await call(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return ops / ((performance.now() - began) / 1000);
}

/** Puts then gets, as one figure: operations per second over both halves. */
async function putThenGet(
  ops: number,
  put: (key: string) => Promise<unknown>,
  get: (key: string) => Promise<unknown>,
): Promise<number> {
  const puts = await rate(ops / 2, (i) => put(keys[i % KEYS]!));
  const gets = await rate(ops / 2, (i) => get(keys[i % KEYS]!));
  return ops / (ops / 2 / puts + ops / 2 / gets);
}

export default async function bench(args: string[]): Promise<BenchResult> {
  const ops = Number(args[0] ?? 2000);
  const runs = Number(args[1] ?? 5);
  const run = await startServices([cosmos], { backend: "local" });
  const connection = run.started[0]?.env[COSMOS_CONNECTION_ENV];
  if (connection === undefined) throw new Error(`cosmos unavailable: ${run.missing[0]?.reason ?? "unknown"}`);
  const options = parseCosmosUrl(
    new URL("cosmos://bench/bench/ours?create=true"),
    { connectionString: connection },
    {},
    "/id",
  );
  const store = new StateStore<Uint8Array>(await CosmosStateStore.open(options), {
    name: "bench",
    codec: raw(),
  });
  const client = new CosmosClient({
    endpoint: options.endpoint,
    key: options.key!,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { container } = await client
    .database("bench")
    .containers.createIfNotExists({ id: "raw", partitionKey: { paths: ["/id"] }, defaultTtl: -1 });
  const encoded = Buffer.from(value).toString("base64");
  const rawPut = (key: string) => container.items.upsert({ id: key, v: encoded });
  const rawGet = async (key: string) => {
    const { resource } = await container.item(key, key).read<{ v: string }>();
    return Buffer.from(resource!.v, "base64");
  };
  // Every key exists on both sides before anything is timed, so every read finds its item.
  await rate(KEYS, (i) => Promise.all([store.put(keys[i]!, value), rawPut(keys[i]!)]));
  const batches = Array.from({ length: KEYS / BATCH }, (_, i) => keys.slice(i * BATCH, (i + 1) * BATCH));
  try {
    const result = await interleaved(
      "cosmos-state",
      "ops/s",
      "@azure/cosmos 4 items.upsert / item.read",
      runs,
      () =>
        putThenGet(
          ops,
          (key) => store.put(key, value),
          (key) => store.get(key),
        ),
      () => putThenGet(ops, rawPut, rawGet),
      { cpu: true },
    );
    const batched = await interleaved(
      "cosmos-state-batched",
      "keys/s",
      `${BATCH} concurrent item.read`,
      runs,
      () => rate(ops / BATCH, (i) => store.getMany(batches[i % batches.length]!)).then((r) => r * BATCH),
      () =>
        rate(ops / BATCH, (i) => Promise.all(batches[i % batches.length]!.map(rawGet))).then(
          (r) => r * BATCH,
        ),
      { cpu: true },
    );
    return {
      ...result,
      extra: {
        [`StateStore.getMany x${BATCH} keys/s`]: batched.ours,
        [`${BATCH} concurrent reads keys/s`]: batched.baseline,
        [`getMany x${BATCH} ratio`]: batched.ratio,
        [`getMany x${BATCH} CPU ratio`]: batched.cpuRatio!,
      },
    };
  } finally {
    client.dispose();
    await store.close();
    await stopServices(run);
  }
}
