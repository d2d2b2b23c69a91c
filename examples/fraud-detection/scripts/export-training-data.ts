/**
 * Writes labelled training data for the fraud model as CSV: the generator's
 * transactions, their features computed exactly as the pipeline computes them,
 * and the ground-truth label. Corrupt records are skipped (they never reach the model).
 *
 *   tsx scripts/export-training-data.ts --seed 1 --events 400000 --out .cache/train.csv
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { CardStateMap } from "../src/card-state.js";
import { FEATURE_COUNT, FEATURE_NAMES, writeFeatures } from "../src/features.js";
import { generateTransactions } from "../src/generator.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    events: { type: "string", default: "400000" },
    out: { type: "string", default: ".cache/train.csv" },
  },
});
const seed = Number(values.seed);
const events = Number(values.events);
if (!Number.isInteger(seed) || !Number.isInteger(events) || events <= 0) {
  console.error("--seed and --events take whole numbers, e.g. --seed 1 --events 400000");
  process.exit(2);
}

await mkdir(dirname(values.out), { recursive: true });
const out = createWriteStream(values.out);
const write = (line: string): Promise<void> | undefined =>
  out.write(line) ? undefined : new Promise((resolve) => out.once("drain", resolve));

await write(`${FEATURE_NAMES.join(",")},label,pattern\n`);
const state = new CardStateMap();
const features = new Float32Array(FEATURE_COUNT);
let rows = 0;
let frauds = 0;
let lines: string[] = [];
for (const event of generateTransactions(events, { seed })) {
  if (event.kind === "corrupt") continue;
  const { profile, window } = state.observe(event.transaction);
  writeFeatures(event.transaction, profile, window, features);
  lines.push(`${features.join(",")},${event.fraud === undefined ? 0 : 1},${event.fraud ?? ""}\n`);
  rows++;
  if (event.fraud !== undefined) frauds++;
  if (lines.length === 10_000) {
    await write(lines.join(""));
    lines = [];
  }
}
await write(lines.join(""));
await new Promise<void>((resolve, reject) =>
  out.end((err?: Error | null) => (err ? reject(err) : resolve())),
);
console.error(`wrote ${rows} rows (${frauds} fraudulent) to ${values.out}`);
