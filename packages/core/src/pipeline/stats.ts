import { LatencyHistogram } from "./latency.js";

/** A snapshot of a running pipeline's figures. */
export interface Stats {
  /** Records done (every sink acknowledged, or filtered out). */
  processed: number;
  /** Records sent to the dead-letter stream. */
  deadLetters: number;
  /** Records done per second over the last few seconds. */
  rate: number;
  /** Median end-to-end latency (event time → sink acknowledgement), ms, since start. */
  p50Ms: number;
  /** 99th percentile end-to-end latency, ms, since start. */
  p99Ms: number;
  /** Records behind the head of the source, summed over owned partitions (when the stream can tell). */
  lag: number | undefined;
  /** Records received and not yet settled (written, filtered out, dead-lettered or abandoned). */
  inFlight: number;
  /** Of those, records waiting on a retry: of a step that threw, of a sink write that failed, or of an earlier record of their key. */
  retrying: number;
  /** Milliseconds since the pipeline started. */
  uptimeMs: number;
  /** Milliseconds of that with work in progress (records in flight or done), at about 1 s resolution. */
  busyMs: number;
  /** Records behind the head of each owned partition, counting records received and not yet done. */
  lagByPartition: Record<string, number>;
}

/** Where the in-flight and retrying counts come from. */
export interface WorkCounts {
  /** Records received and not yet settled. */
  readonly inFlight: number;
  /** Records waiting on a retry. */
  readonly retrying: number;
}

/** Collects the figures behind {@link Stats}. */
export class StatsCollector {
  /** End-to-end latency of every done record. */
  readonly latency = new LatencyHistogram();
  /** Records done. */
  processed = 0;
  /** Records dead-lettered. */
  deadLetters = 0;
  /** Last known lag, summed over partitions. */
  lag: number | undefined;
  /** Last known lag per partition. */
  lagByPartition: Record<string, number> = {};
  /** The run's work in progress, once it started. */
  work: WorkCounts | undefined;
  private readonly started = Date.now();
  private readonly window: { at: number; processed: number }[] = [{ at: Date.now(), processed: 0 }];
  private busyMs = 0;
  private lastSample = { at: Date.now(), processed: 0 };

  /** Counts records acknowledged at `now`, recording each one's end-to-end latency from its event time. */
  done(records: readonly { raw: { timestamp: number } }[], now: number): void {
    for (let i = 0; i < records.length; i++) this.latency.record(now - records[i]!.raw.timestamp);
    this.processed += records.length;
  }

  /** A snapshot; also advances the rate window. */
  snapshot(): Stats {
    const now = Date.now();
    this.window.push({ at: now, processed: this.processed });
    while (this.window.length > 2 && now - this.window[0]!.at > 5000) this.window.shift();
    const first = this.window[0]!;
    const elapsed = (now - first.at) / 1000;
    // The span since the last snapshot was busy when records were done in it or are still in flight.
    if (this.processed > this.lastSample.processed || (this.work?.inFlight ?? 0) > 0)
      this.busyMs += now - this.lastSample.at;
    this.lastSample = { at: now, processed: this.processed };
    return {
      processed: this.processed,
      deadLetters: this.deadLetters,
      rate: elapsed > 0 ? (this.processed - first.processed) / elapsed : 0,
      p50Ms: this.latency.quantile(0.5),
      p99Ms: this.latency.quantile(0.99),
      lag: this.lag,
      inFlight: this.work?.inFlight ?? 0,
      retrying: this.work?.retrying ?? 0,
      uptimeMs: now - this.started,
      busyMs: this.busyMs,
      lagByPartition: { ...this.lagByPartition },
    };
  }
}

/** One human line for a stats snapshot, e.g. `fraud-detection  412,301 done  98,220/s  p50 3.1 ms  p99 12.0 ms  lag 0  in flight 2,048 (3 retrying)  dead letters 12`. */
export function formatStats(name: string, s: Stats): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-US");
  const ms = (v: number) => (v < 10 ? v.toFixed(1) : n(v));
  const lag = s.lag === undefined ? "" : `  lag ${n(s.lag)}`;
  return `${name}  ${n(s.processed)} done  ${n(s.rate)}/s  p50 ${ms(s.p50Ms)} ms  p99 ${ms(s.p99Ms)} ms${lag}  in flight ${n(s.inFlight)} (${n(s.retrying)} retrying)  dead letters ${n(s.deadLetters)}`;
}
