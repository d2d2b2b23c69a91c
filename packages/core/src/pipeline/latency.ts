/**
 * A latency histogram with log-spaced buckets (about 2% relative precision from
 * 0.01 ms to about an hour). Recording is one Math.log and an increment, so it
 * can take every record.
 */
export class LatencyHistogram {
  private static readonly GROWTH = Math.log(1.02);
  private static readonly MIN = 0.01;
  private readonly counts = new Float64Array(1200);
  private total = 0;

  /** Records one latency in milliseconds (negative values count as 0). */
  record(ms: number): void {
    const index =
      ms <= LatencyHistogram.MIN
        ? 0
        : Math.ceil(Math.log(ms / LatencyHistogram.MIN) / LatencyHistogram.GROWTH);
    this.counts[Math.min(index, this.counts.length - 1)]!++;
    this.total++;
  }

  /** Records the same latency `n` times. */
  recordMany(ms: number, n: number): void {
    for (let i = 0; i < n; i++) this.record(ms);
  }

  /** How many values were recorded. */
  get count(): number {
    return this.total;
  }

  /** The value at quantile q (0..1), in ms; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank)
        return i === 0 ? LatencyHistogram.MIN : LatencyHistogram.MIN * Math.exp(i * LatencyHistogram.GROWTH);
    }
    return LatencyHistogram.MIN * Math.exp((this.counts.length - 1) * LatencyHistogram.GROWTH);
  }

  /** Forgets every value. */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}
