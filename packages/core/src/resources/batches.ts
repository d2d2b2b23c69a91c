/** Splits `items` into consecutive batches of at most `size` (a size below 1 counts as 1). */
export function splitBatch<T>(items: readonly T[], size: number): T[][] {
  const step = Number.isFinite(size) ? Math.max(1, Math.floor(size)) : items.length || 1;
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += step) batches.push(items.slice(start, start + step));
  return batches;
}

/**
 * Runs `fn` over batches of at most `size` items, at most `concurrency` at a
 * time, and returns the results concatenated in input order. `fn` must return
 * one result per item. The first failure stops new batches and is rethrown.
 */
export async function mapBatches<T, R>(
  items: readonly T[],
  size: number,
  concurrency: number,
  fn: (batch: T[]) => Promise<R[]>,
): Promise<R[]> {
  const batches = splitBatch(items, size);
  if (batches.length === 1 && batches[0] !== undefined) return fn(batches[0]);
  const results: R[][] = new Array<R[]>(batches.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < batches.length) {
      const index = next++;
      try {
        results[index] = await fn(batches[index] ?? []);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Math.max(1, Math.min(concurrency, batches.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results.flat();
}

/**
 * Splits a list into rounds in which no key appears twice: the n-th occurrence
 * of a key goes to round n. Running the rounds one after the other gives the
 * same outcome as applying the items in list order, while each round can go to
 * a backend that refuses (or reorders) repeated keys in one batch.
 * Returns, per round, the indices into `items`.
 */
export function roundsByKey<T>(items: readonly T[], keyOf: (item: T) => string): number[][] {
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(index);
  });
  return rounds;
}
