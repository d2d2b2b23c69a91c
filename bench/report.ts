import { procStats, type ProcStat } from "../test/harness/proc-stat.js";

/** The one JSON line every benchmark prints last (DESIGN.md §10). */
export interface BenchResult {
  /** Benchmark name, as given to `npm run bench -- <name>`. */
  bench: string;
  /** Unit of `ours` and `baseline`, e.g. `events/s`. */
  unit: string;
  /** Median of our runs. */
  ours: number;
  /** Median of the baseline's runs. */
  baseline: number;
  /** ours ÷ baseline. */
  ratio: number;
  /** Runs per side. */
  runs: number;
  /** What the baseline is. */
  baselineName: string;
  /** Further named medians (e.g. a reference tool as ceiling), optional. */
  extra?: Record<string, number>;
  /**
   * Median CPU milliseconds this process spent per run on each side, when both
   * sides do the same work per run and the server under test is another
   * process (`interleaved(…, { cpu: true })`).
   */
  cpuMs?: { ours: number; baseline: number };
  /** baseline CPU ÷ our CPU for the same work: 0.9 means ours takes 1.11× the CPU. */
  cpuRatio?: number;
  /**
   * Median CPU milliseconds per run of the servers this process started (its
   * descendant processes, read from /proc; Linux only): what the same work
   * cost the emulator on each side.
   */
  serverCpuMs?: { ours: number; baseline: number };
}

/** How `interleaved` measures. */
export interface InterleavedOptions {
  /** Where the per-run lines go (default stderr). */
  log?: (line: string) => void;
  /**
   * Also measure this process's CPU time (user + system, every thread) per run.
   * Only meaningful when both sides do the same work per run and the server
   * they call runs in another process, so the time is the client's alone.
   */
  cpu?: boolean;
}

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs one side of a bench alone `runs` times (for `--only`, to profile it):
 * its median goes in `ours` for the pipeline and in `baseline` for any loop,
 * the other is 0, and there is no ratio.
 */
export async function alone(
  bench: string,
  unit: string,
  side: string,
  runs: number,
  measure: () => Promise<number>,
): Promise<BenchResult> {
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) rates.push(await measure());
  const rate = Math.round(median(rates));
  return {
    bench,
    unit,
    ours: side === "pipeline" ? rate : 0,
    baseline: side === "pipeline" ? 0 : rate,
    ratio: 0,
    runs,
    baselineName: `${side} alone`,
  };
}

/**
 * Runs `ours` and `baseline` alternately (A B A B …) after one warm-up of each,
 * so both see the same machine drift, and returns the medians and their ratio
 * (and, with `cpu`, the CPU each side took).
 */
export async function interleaved(
  name: string,
  unit: string,
  baselineName: string,
  runs: number,
  ours: () => Promise<number>,
  baseline: () => Promise<number>,
  { log = (line) => console.error(line), cpu = false }: InterleavedOptions = {},
): Promise<BenchResult> {
  await ours();
  await baseline();
  const a: number[] = [];
  const b: number[] = [];
  const cpuA: number[] = [];
  const cpuB: number[] = [];
  const serverA: number[] = [];
  const serverB: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await timedCpu(ours, cpuA, serverA));
    b.push(await timedCpu(baseline, cpuB, serverB));
    const cpuNote = cpu ? ` (CPU ${fmt(cpuA[i]!)} ms vs ${fmt(cpuB[i]!)} ms)` : "";
    log(`run ${i + 1}/${runs}: ours ${fmt(a[i]!)} ${unit}, ${baselineName} ${fmt(b[i]!)} ${unit}${cpuNote}`);
  }
  const oursMedian = median(a);
  const baselineMedian = median(b);
  const cpuFields = cpu
    ? {
        cpuMs: { ours: round(median(cpuA)), baseline: round(median(cpuB)) },
        cpuRatio: Math.round((median(cpuB) / median(cpuA)) * 1000) / 1000,
        ...(serverA.length === runs
          ? { serverCpuMs: { ours: round(median(serverA)), baseline: round(median(serverB)) } }
          : {}),
      }
    : {};
  return {
    bench: name,
    unit,
    ours: round(oursMedian),
    baseline: round(baselineMedian),
    ratio: Math.round((oursMedian / baselineMedian) * 1000) / 1000,
    runs,
    baselineName,
    ...cpuFields,
  };
}

/** Runs `side`, pushing the CPU milliseconds it took here onto `into` and in the servers onto `servers`. */
async function timedCpu(side: () => Promise<number>, into: number[], servers: number[]): Promise<number> {
  const start = process.cpuUsage();
  const serversBefore = descendantsCpuMs();
  const result = await side();
  const used = process.cpuUsage(start);
  const serversAfter = descendantsCpuMs();
  into.push((used.user + used.system) / 1000);
  if (serversBefore !== undefined && serversAfter !== undefined) servers.push(serversAfter - serversBefore);
  return result;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds used so far by the living descendants of this process (the
 * emulators a bench started), from /proc; undefined where there is none.
 */
export function descendantsCpuMs(): number | undefined {
  if (process.platform !== "linux") return undefined;
  const children = new Map<number, ProcStat[]>();
  for (const stat of procStats()) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let ticks = 0;
  const todo = [process.pid];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    for (const child of children.get(pid) ?? []) {
      ticks += child.cpuTicks;
      todo.push(child.pid);
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000;
}

function fmt(n: number): string {
  return n >= 1000 ? Math.round(n).toLocaleString("en-US") : n.toFixed(3);
}
