/**
 * The Redis state store against raw ioredis on the same private redis-server
 * (started through the test harness): `StateStore<Uint8Array>` with the raw codec
 * over `RedisStateStore`, versus ioredis 5 `set` / `getBuffer` with
 * auto-pipelining, each doing the same puts then gets of 100-byte values over
 * 10,000 keys with 128 calls in flight, in rotation. `redis-benchmark -P 16 -t
 * get,set` on the same server is the ceiling, reported in `extra`, with the
 * driver alone (no StateStore) against the same baseline, and batches of 100
 * keys (`StateStore.getMany` against one `MGET`).
 *
 * `npm run bench -- redis-state [ops] [runs]` (defaults 100000 and 7).
 */
import { StateStore, raw } from "@switchyard/core";
import { Redis } from "ioredis";
import { RedisStateStore } from "@switchyard/adapter-redis";
import { findExecutable, runCommand } from "../test/harness/apt.js";
import { startServices, stopServices } from "../test/harness/runner.js";
import { REDIS_URL_ENV, redis } from "../test/services/redis.js";
import { interleaved, type BenchResult } from "./report.js";

const KEYS = 10_000;
const IN_FLIGHT = 128;
const value = new Uint8Array(100).fill(7);
const keys = Array.from({ length: KEYS }, (_, i) => `card:${i}`);

/** Runs `ops` calls of `call`, `IN_FLIGHT` at a time, and returns calls per second. */
async function rate(ops: number, call: (key: string) => Promise<unknown>): Promise<number> {
  let next = 0;
  const began = performance.now();
  const worker = async () => {
    while (next < ops) await call(keys[next++ % KEYS]!);
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
  const puts = await rate(ops / 2, put);
  const gets = await rate(ops / 2, get);
  return ops / (ops / 2 / puts + ops / 2 / gets);
}

/** `redis-benchmark -P 16 -t get,set -q` on `port`: requests per second by command. */
async function redisBenchmark(port: number): Promise<Record<string, number>> {
  const tool = findExecutable("redis-benchmark");
  if (tool === undefined) return {};
  const args = ["-h", "127.0.0.1", "-p", String(port), "-P", "16", "-t", "get,set", "-q", "-n", "1000000"];
  const { output } = await runCommand(tool, args);
  const figures: Record<string, number> = {};
  for (const match of output.matchAll(/(GET|SET): ([\d.]+) requests per second/g)) {
    figures[`redis-benchmark -P 16 ${match[1]!}`] = Math.round(Number(match[2]));
  }
  return figures;
}

export default async function bench(args: string[]): Promise<BenchResult> {
  const ops = Number(args[0] ?? 100_000);
  const runs = Number(args[1] ?? 7);
  const run = await startServices([redis], { backend: "local" });
  const url = run.started[0]?.env[REDIS_URL_ENV];
  if (url === undefined) throw new Error(`redis unavailable: ${run.missing[0]?.reason ?? "unknown"}`);
  const driver = new RedisStateStore(new URL(`${url}/0?keyPrefix=ours:`));
  const store = new StateStore<Uint8Array>(driver, { name: "bench", codec: raw() });
  const client = new Redis(url, { enableAutoPipelining: true });
  const signal = new AbortController().signal;
  const rawPut = (key: string) => client.set(`raw:${key}`, Buffer.from(value));
  const rawGet = (key: string) => client.getBuffer(`raw:${key}`);
  const baselineName = "ioredis 5 set/getBuffer, auto-pipelining";
  try {
    const result = await interleaved(
      "redis-state",
      "ops/s",
      baselineName,
      runs,
      () =>
        putThenGet(
          ops,
          (key) => store.put(key, value),
          (key) => store.get(key),
        ),
      () => putThenGet(ops, rawPut, rawGet),
    );
    const driverOnly = await interleaved(
      "redis-state-driver",
      "ops/s",
      baselineName,
      runs,
      () =>
        putThenGet(
          ops,
          (key) => driver.put([{ key, value }], signal),
          (key) => driver.get([key], signal),
        ),
      () => putThenGet(ops, rawPut, rawGet),
    );
    // Batches of 100 keys: StateStore.getMany against one MGET per batch, keys per second.
    const batches = Array.from({ length: KEYS / 100 }, (_, i) => keys.slice(i * 100, i * 100 + 100));
    const batched = await interleaved(
      "redis-state-batched",
      "keys/s",
      "ioredis 5 mgetBuffer x100",
      runs,
      () =>
        rate(ops / 100, (key) => store.getMany(batches[Number(key.slice(5)) % batches.length]!)).then(
          (r) => r * 100,
        ),
      () =>
        rate(ops / 100, (key) =>
          client.mgetBuffer(...batches[Number(key.slice(5)) % batches.length]!.map((k) => `raw:${k}`)),
        ).then((r) => r * 100),
    );
    const port = Number(new URL(url).port);
    const extra = {
      "driver alone ops/s": driverOnly.ours,
      "baseline during driver runs ops/s": driverOnly.baseline,
      "driver alone ratio": driverOnly.ratio,
      "StateStore.getMany x100 keys/s": batched.ours,
      "mgetBuffer x100 keys/s": batched.baseline,
      "getMany x100 ratio": batched.ratio,
      ...(await redisBenchmark(port)),
    };
    return { ...result, extra };
  } finally {
    client.disconnect();
    await store.close();
    await stopServices(run);
  }
}
