/**
 * The Bigtable state store against the raw @google-cloud/bigtable client on the
 * same Bigtable emulator (started through the test harness), in rotation:
 * `StateStore<Uint8Array>` (raw codec) over `BigtableStateStore` doing
 * `putMany` then `getMany` of 100 keys at a time, against `table.insert` of
 * the same rows then `table.getRows({ keys })`, 100-byte values, 8 batches in
 * flight. The figure is keys/s over both halves.
 *
 * `npm run bench -- bigtable-state [keys] [runs]` (defaults 20000 and 5).
 */
import { randomUUID } from "node:crypto";
import { Bigtable } from "@google-cloud/bigtable";
import { StateStore, raw } from "@switchyard/core";
import { BigtableStateStore } from "@switchyard/adapter-gcp";
import { startServices, stopServices } from "../test/harness/runner.js";
import { BIGTABLE_HOST_ENV, bigtable } from "../test/services/bigtable.js";
import { interleaved, type BenchResult } from "./report.js";

const PROJECT = "bench";
const BATCH = 100;
const IN_FLIGHT = 8;
const value = new Uint8Array(100).fill(7);

/** Runs `batches` calls of `call`, `IN_FLIGHT` at a time; returns keys per second. */
async function rate(
  batches: readonly string[][],
  call: (keys: string[]) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const began = performance.now();
  const worker = async () => {
    while (next < batches.length) await call(batches[next++]!);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (batches.length * BATCH) / ((performance.now() - began) / 1000);
}

/** Writes then reads every batch, as one figure over both halves. */
async function putThenGet(
  batches: readonly string[][],
  put: (keys: string[]) => Promise<unknown>,
  get: (keys: string[]) => Promise<unknown>,
): Promise<number> {
  const puts = await rate(batches, put);
  const gets = await rate(batches, get);
  return 2 / (1 / puts + 1 / gets);
}

export default async function bench(args: string[]): Promise<BenchResult> {
  const count = Number(args[0] ?? 20_000);
  const runs = Number(args[1] ?? 5);
  const run = await startServices([bigtable], { backend: "local" });
  if (run.started[0]?.env[BIGTABLE_HOST_ENV] === undefined) {
    throw new Error(`bigtable unavailable: ${run.missing[0]?.reason ?? "unknown"}`);
  }
  Object.assign(process.env, run.started[0].env);
  const name = `bench-${randomUUID().slice(0, 8)}`;
  const driver = new BigtableStateStore(
    new URL(`bigtable://${PROJECT}/bench/${name}?create=true&keyPrefix=ours:`),
  );
  const store = new StateStore<Uint8Array>(driver, { name: "bench", codec: raw() });
  const client = new Bigtable({ projectId: PROJECT, metricsEnabled: false });
  const table = client.instance("bench").table(name);
  const batches = Array.from({ length: count / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => `card:${b * BATCH + i}`),
  );
  try {
    await store.put("warm", value);
    const result = await interleaved(
      "bigtable-state",
      "keys/s",
      "@google-cloud/bigtable 6 table.insert + getRows({ keys })",
      runs,
      () =>
        putThenGet(
          batches,
          (keys) => store.putMany(keys.map((key) => ({ key, value }))),
          (keys) => store.getMany(keys),
        ),
      () =>
        putThenGet(
          batches,
          (keys) =>
            table.insert(keys.map((key) => ({ key: `raw:${key}`, data: { s: { v: Buffer.from(value) } } }))),
          (keys) => table.getRows({ keys: keys.map((key) => `raw:${key}`) }),
        ),
      { cpu: true },
    );
    return result;
  } finally {
    await store.close();
    await client.close();
    await stopServices(run);
  }
}
