/**
 * `npm run fuzz -- [--minutes 5] [--cases N] [--seed 1] [--json]`: feeds every
 * codec seeded hostile payloads (scripts/fuzz-cases.ts) and checks that each is
 * rejected with InvalidArgument or decodes to a valid value — never another
 * error, a crash or a hang. With `--cases` it runs that many cases per codec,
 * else for `--minutes`. Prints a table (or one JSON object with `--json`) and
 * exits 1 when any case failed. A failed case names its seed: `--replay SEED
 * --codec NAME` runs that case alone and prints its whole payload.
 */
import { parseArgs } from "node:util";
import { getHeapStatistics } from "node:v8";
import { SwitchyardError } from "@switchyard/core";
import { CASE_KINDS, Rng, caseSeed, hostileCase } from "./fuzz-cases.js";
import type { CaseKind } from "./fuzz-cases.js";
import { fuzzTargets } from "./fuzz-targets.js";
import type { FuzzTarget } from "./fuzz-targets.js";

/** What happened to one codec's cases. */
interface TargetReport {
  codec: string;
  cases: number;
  rejected: number;
  decoded: number;
  failed: number;
  /** The slowest case, ms. */
  maxMs: number;
  /** The most heap in use right after a case, MiB (garbage included). */
  maxHeapMiB: number;
  byKind: Partial<Record<CaseKind, number>>;
  /** The first few failures: enough to replay them. */
  failures: { kind: CaseKind; seed: number; error: string; bytes: string }[];
}

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    cases: { type: "string" },
    seed: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
    replay: { type: "string" },
    codec: { type: "string" },
  },
});
const seed = Number(values.seed);
const cases = values.cases === undefined ? Infinity : Number(values.cases);
const deadline = values.cases === undefined ? Date.now() + Number(values.minutes) * 60_000 : Infinity;

const targets = await fuzzTargets(new Rng(seed));
const reports = targets.map((t): TargetReport => ({
  codec: t.name,
  cases: 0,
  rejected: 0,
  decoded: 0,
  failed: 0,
  maxMs: 0,
  maxHeapMiB: 0,
  byKind: {},
  failures: [],
}));
if (values.replay !== undefined) {
  const t = targets.findIndex((target) => target.name === values.codec);
  if (t < 0) throw new Error(`--codec must be one of: ${targets.map((target) => target.name).join(", ")}`);
  const rng = new Rng(Number(values.replay));
  console.log(Buffer.from(hostileCase(targets[t]!, rng.pick(CASE_KINDS), rng)).toString("hex"));
  await runCase(targets[t]!, reports[t]!, Number(values.replay));
  console.log(JSON.stringify(reports[t]));
  process.exit(reports[t]!.failed > 0 ? 1 : 0);
}

const began = Date.now();
for (let index = 0; index < cases && Date.now() < deadline; index++) {
  for (let t = 0; t < targets.length; t++) await runCase(targets[t]!, reports[t]!, caseSeed(seed, t, index));
}
const seconds = (Date.now() - began) / 1000;

if (values.json) console.log(JSON.stringify({ seed, seconds, node: process.version, reports }));
else printTable(reports, seconds);
process.exit(reports.some((r) => r.failed > 0) ? 1 : 0);

async function runCase(target: FuzzTarget, report: TargetReport, caseId: number): Promise<void> {
  const rng = new Rng(caseId);
  const kind = rng.pick(CASE_KINDS);
  const bytes = hostileCase(target, kind, rng);
  const started = performance.now();
  let failure: string | undefined;
  try {
    // Registry codecs fetch schema ids before decoding, as the runtime does once per batch.
    if (target.codec.prepare !== undefined) await target.codec.prepare([bytes]);
    const value = target.codec.decode(bytes);
    const problem = target.problem(value, bytes);
    if (problem === undefined) report.decoded++;
    else failure = `decoded to a value its schema does not allow: ${problem}`;
  } catch (err) {
    if (err instanceof SwitchyardError && err.code === "InvalidArgument") report.rejected++;
    else failure = `threw ${err instanceof SwitchyardError ? err.code : String(err)}: ${String(err)}`;
  }
  const ms = performance.now() - started;
  report.cases++;
  report.byKind[kind] = (report.byKind[kind] ?? 0) + 1;
  report.maxMs = Math.max(report.maxMs, Math.round(ms * 1000) / 1000);
  const heapMiB = getHeapStatistics().used_heap_size / 2 ** 20;
  report.maxHeapMiB = Math.max(report.maxHeapMiB, Math.round(heapMiB * 10) / 10);
  if (failure !== undefined) {
    report.failed++;
    if (report.failures.length < 5) {
      const hex = Buffer.from(bytes.subarray(0, 64)).toString("hex");
      report.failures.push({ kind, seed: caseId, error: failure.slice(0, 300), bytes: hex });
    }
  }
}

function printTable(rows: TargetReport[], elapsed: number): void {
  console.log(`seed ${seed}, ${elapsed.toFixed(0)} s, Node ${process.version}`);
  console.log("codec                 cases   rejected   decoded  failed  max ms  max heap MiB");
  for (const r of rows) {
    console.log(
      `${r.codec.padEnd(20)} ${String(r.cases).padStart(7)} ${String(r.rejected).padStart(10)} ${String(r.decoded).padStart(9)} ${String(r.failed).padStart(7)} ${r.maxMs.toFixed(1).padStart(7)} ${r.maxHeapMiB.toFixed(1).padStart(13)}`,
    );
    for (const f of r.failures)
      console.log(`  FAILED ${f.kind} case seed ${f.seed}: ${f.error}\n    bytes ${f.bytes}`);
  }
}
