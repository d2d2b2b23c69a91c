/**
 * Watches a run for stalls: records are in flight, or wait at the source, but
 * none has been finished (done or dead-lettered) for `afterMs`. A back end that stops answering
 * without an error — a blackholed link, a half-open connection, a client that
 * queues commands while it reconnects — shows no failure to retry, only this.
 * Sampled every second, it returns one warning when a stall begins (and every
 * `afterMs` × 6 while it lasts) and one when progress resumes.
 */
export class StallWatch {
  private lastFinished = 0;
  private lastProgressAt: number;
  private warnedAt: number | undefined;

  /** Starts watching at `now`. */
  constructor(
    private readonly afterMs: number,
    now = Date.now(),
  ) {
    this.lastProgressAt = now;
  }

  /**
   * Takes a sample: records finished so far, records in flight and the last known
   * lag (records not yet done at the source; a source that stops answering keeps
   * its last figure); returns a warning or undefined.
   */
  sample(finished: number, inFlight: number, lag = 0, now = Date.now()): string | undefined {
    if (finished !== this.lastFinished || (inFlight === 0 && lag === 0)) {
      const stalledMs = now - this.lastProgressAt;
      this.lastFinished = finished;
      this.lastProgressAt = now;
      if (this.warnedAt === undefined) return undefined;
      this.warnedAt = undefined;
      return `records are being finished again after a stall of ${seconds(stalledMs)} s`;
    }
    const stalledMs = now - this.lastProgressAt;
    if (stalledMs < this.afterMs) return undefined;
    if (this.warnedAt !== undefined && now - this.warnedAt < this.afterMs * 6) return undefined;
    this.warnedAt = now;
    const waiting = inFlight > 0 ? `${inFlight} in flight` : `${lag} waiting at the source`;
    return (
      `no record finished for ${seconds(stalledMs)} s with ${waiting} — ` +
      `a source, sink or model is not answering (see the stats line for lag and retries)`
    );
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
