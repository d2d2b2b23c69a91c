/**
 * The closest of `candidates` to a mistyped `word`, when one is close enough to
 * be what was meant (Levenshtein distance at most a third of the word's length,
 * and at least 1, ignoring case); `undefined` otherwise.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const target = word.toLowerCase();
  const limit = Math.max(1, Math.floor(target.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(target, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === word ? undefined : best;
}

/** `did you mean "x"? ` text for a message, or "" when nothing is close. */
export function didYouMean(
  word: string,
  candidates: Iterable<string>,
  format = (s: string) => `"${s}"`,
): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? "" : `did you mean ${format(match)}? `;
}

/** The number of single-character insertions, deletions, substitutions and adjacent swaps turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  // Optimal string alignment over three rows: a swap ("memroy") counts as one edit.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      current.push(value);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
