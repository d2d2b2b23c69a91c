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
}

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs `ours` and `baseline` alternately (A B A B …) after one warm-up of each,
 * so both see the same machine drift, and returns the medians and their ratio.
 */
export async function interleaved(
  name: string,
  unit: string,
  baselineName: string,
  runs: number,
  ours: () => Promise<number>,
  baseline: () => Promise<number>,
  log: (line: string) => void = (line) => console.error(line),
): Promise<BenchResult> {
  await ours();
  await baseline();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await ours());
    b.push(await baseline());
    log(`run ${i + 1}/${runs}: ours ${fmt(a[i]!)} ${unit}, ${baselineName} ${fmt(b[i]!)} ${unit}`);
  }
  const oursMedian = median(a);
  const baselineMedian = median(b);
  return {
    bench: name,
    unit,
    ours: round(oursMedian),
    baseline: round(baselineMedian),
    ratio: Math.round((oursMedian / baselineMedian) * 1000) / 1000,
    runs,
    baselineName,
  };
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000;
}

function fmt(n: number): string {
  return n >= 1000 ? Math.round(n).toLocaleString("en-US") : n.toFixed(3);
}
