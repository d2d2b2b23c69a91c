/**
 * What building one object per record costs on this Node, for decision 2325:
 * a scored transaction written out field by field (`scoredTransaction`, ours)
 * against `{ ...tx, score, scoredBy }` (the spread the example used to make),
 * interleaved, in objects/s. `extra` has the same for byte arrays of 114 bytes
 * (a card state): `new Uint8Array` against `Buffer.allocUnsafe` from the pool.
 *
 *   npm run bench -- object-building [--objects 2000000] [--runs 5]
 */
import { parseArgs } from "node:util";
import type { Transaction } from "../examples/fraud-detection/src/schema.js";
import type { ScoredTransaction } from "../examples/fraud-detection/src/scoring.js";
import { scoredTransaction } from "../examples/fraud-detection/src/scoring.js";
import type { BenchResult } from "./report.js";
import { interleaved, median } from "./report.js";

const DISTINCT = 1_000;
/** Every 1024th object is kept, so the engine cannot drop the work. */
const KEEP_MASK = 1023;

export default async function objectBuilding(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: { objects: { type: "string", default: "2000000" }, runs: { type: "string", default: "5" } },
  });
  const n = Number(values.objects);
  const runs = Number(values.runs);
  const txs: Transaction[] = Array.from({ length: DISTINCT }, (_, i) => ({
    id: i,
    card: i % 97,
    merchant: i % 13,
    mcc: 5411,
    amountCents: 100 + i,
    cardPresent: i % 2 === 0,
    lat: 48.85 + i / 1e4,
    lon: 2.35 + i / 1e4,
    ts: 1_770_000_000_000 + i,
  }));

  const rate = async (make: (tx: Transaction, i: number) => unknown): Promise<number> => {
    const kept: unknown[] = [];
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const made = make(txs[i % DISTINCT]!, i);
      if ((i & KEEP_MASK) === 0) kept.push(made);
    }
    const elapsed = performance.now() - started;
    if (kept.length === 0) throw new Error("nothing was built");
    return (n * 1000) / elapsed;
  };

  const spread = (tx: Transaction, i: number): ScoredTransaction => ({ ...tx, score: i, scoredBy: "model" });
  const written = (tx: Transaction, i: number): ScoredTransaction => scoredTransaction(tx, i, "model");
  const result = await interleaved(
    "object-building",
    "objects/s",
    "{ ...tx, score, scoredBy }",
    runs,
    () => rate(written),
    () => rate(spread),
  );

  const pooled: number[] = [];
  const owned: number[] = [];
  for (let r = 0; r < runs; r++) {
    owned.push(await rate(() => new Uint8Array(114)));
    pooled.push(await rate(() => Buffer.allocUnsafe(114)));
  }
  return {
    ...result,
    extra: {
      "new Uint8Array(114) /s": Math.round(median(owned)),
      "Buffer.allocUnsafe(114) /s": Math.round(median(pooled)),
    },
  };
}
