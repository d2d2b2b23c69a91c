/**
 * The soak's verdict: from the samples of the process under test, after the
 * warm-up, whether the heap grew faster than the bound and whether handles or
 * sockets grew at all. Pure, so the figures can be recomputed from a samples file.
 */
import type { ProcessSample } from "./sampler.js";

/** The bounds a soak is judged by. */
export interface SoakBounds {
  /** Samples before this many ms after the first one are warm-up and not judged. */
  warmupMs: number;
  /** Most heap growth allowed, MB per 10 minutes (slope of the heap's floor, below). */
  heapMbPer10Min: number;
}

/** The bounds of `npm run soak` unless told otherwise. */
export const DEFAULT_BOUNDS: SoakBounds = { warmupMs: 5 * 60_000, heapMbPer10Min: 10 };

/** What the samples show, and whether they pass. */
export interface SoakVerdict {
  pass: boolean;
  /** One line per check, saying what was measured, against which bound, and whether it held. */
  lines: string[];
  figures: SoakFigures;
}

/** The figures of a soak, in MB (2^20 bytes) and ms. */
export interface SoakFigures {
  samples: number;
  judgedSamples: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  heapStartMb: number;
  heapEndMb: number;
  heapMaxMb: number;
  /** Slope of the heap's per-minute floor after warm-up, MB per 10 minutes. */
  heapMbPer10Min: number;
  /** Slope of RSS after warm-up, MB per 10 minutes (reported, not judged: the allocator keeps freed pages). */
  rssMbPer10Min: number;
  /** Handles: most in the first and in the last fifth of the judged samples. */
  handlesFirst: number;
  handlesLast: number;
  socketsFirst: number;
  socketsLast: number;
  /** Event-loop delay over the judged samples: median of the per-interval p50s, and the p99 and maximum of the per-interval p99s. */
  eldP50Ms: number;
  eldP99Ms: number;
  eldP99MaxMs: number;
}

const MB = 1024 * 1024;

/**
 * Judges a soak. Heap: least-squares slope of the heap's floor — the smallest
 * `heapUsed` of each minute, which is what survives garbage collection — after
 * warm-up, below `heapMbPer10Min`. Handles and sockets: the most seen in the
 * last fifth of the judged samples is not above the most seen in the first fifth.
 */
export function judgeSoak(
  samples: readonly ProcessSample[],
  bounds: SoakBounds = DEFAULT_BOUNDS,
): SoakVerdict {
  if (samples.length === 0) throw new Error("no samples: the process under test wrote none");
  const t0 = samples[0]!.t;
  const judged = samples.filter((s) => s.t - t0 >= bounds.warmupMs);
  const basis = judged.length >= 5 ? judged : samples;
  const fifth = Math.max(1, Math.floor(basis.length / 5));
  const first = basis.slice(0, fifth);
  const last = basis.slice(-fifth);
  const floors = perMinuteFloor(basis);
  const figures: SoakFigures = {
    samples: samples.length,
    judgedSamples: judged.length,
    rssStartMb: mb(basis[0]!.rss),
    rssEndMb: mb(basis.at(-1)!.rss),
    rssMaxMb: mb(Math.max(...samples.map((s) => s.rss))),
    heapStartMb: mb(basis[0]!.heapUsed),
    heapEndMb: mb(basis.at(-1)!.heapUsed),
    heapMaxMb: mb(Math.max(...samples.map((s) => s.heapUsed))),
    heapMbPer10Min: round((slopePerMs(floors) * 600_000) / MB),
    rssMbPer10Min: round((slopePerMs(basis.map((s) => ({ t: s.t, v: s.rss }))) * 600_000) / MB),
    handlesFirst: Math.max(...first.map((s) => s.handles)),
    handlesLast: Math.max(...last.map((s) => s.handles)),
    socketsFirst: Math.max(...first.map((s) => s.sockets)),
    socketsLast: Math.max(...last.map((s) => s.sockets)),
    eldP50Ms: round(median(basis.map((s) => s.eldP50Ms))),
    eldP99Ms: round(
      quantile(
        basis.map((s) => s.eldP99Ms),
        0.99,
      ),
    ),
    eldP99MaxMs: round(Math.max(...basis.map((s) => s.eldP99Ms))),
  };
  const checks: [boolean, string][] = [
    [
      judged.length >= 5,
      `${judged.length} samples after the ${bounds.warmupMs / 60_000}-minute warm-up (at least 5 needed)`,
    ],
    [
      figures.heapMbPer10Min < bounds.heapMbPer10Min,
      `heap floor grows ${figures.heapMbPer10Min} MB per 10 min after warm-up (bound: < ${bounds.heapMbPer10Min})`,
    ],
    [
      figures.handlesLast <= figures.handlesFirst,
      `handles: at most ${figures.handlesLast} in the last fifth, ${figures.handlesFirst} in the first (bound: no growth)`,
    ],
    [
      figures.socketsLast <= figures.socketsFirst,
      `sockets: at most ${figures.socketsLast} in the last fifth, ${figures.socketsFirst} in the first (bound: no growth)`,
    ],
  ];
  return {
    pass: checks.every(([ok]) => ok),
    lines: checks.map(([ok, line]) => `${ok ? "pass" : "FAIL"}  ${line}`),
    figures,
  };
}

/** The heap's floor: the smallest heapUsed of each whole minute since the first sample, at the time it was seen. */
export function perMinuteFloor(samples: readonly ProcessSample[]): { t: number; v: number }[] {
  const floors = new Map<number, { t: number; v: number }>();
  const t0 = samples[0]!.t;
  for (const s of samples) {
    const minute = Math.floor((s.t - t0) / 60_000);
    const floor = floors.get(minute);
    if (floor === undefined || s.heapUsed < floor.v) floors.set(minute, { t: s.t, v: s.heapUsed });
  }
  return [...floors.values()];
}

/** Least-squares slope of v over t, per ms; 0 for fewer than two points. */
function slopePerMs(points: readonly { t: number; v: number }[]): number {
  if (points.length < 2) return 0;
  const meanT = points.reduce((a, p) => a + p.t, 0) / points.length;
  const meanV = points.reduce((a, p) => a + p.v, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.v - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

function mb(bytes: number): number {
  return round(bytes / MB);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
