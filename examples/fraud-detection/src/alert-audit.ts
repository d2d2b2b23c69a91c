import type { Stream, Subscription } from "@switchyard/core";
import type { ScoredTransaction } from "./scoring.js";

/**
 * Reads the `alerts` stream in its own consumer group while the demo runs and
 * keeps the alerted transaction ids, so they can be matched against the
 * generator's ground truth. Starts at `since` where the stream can seek by
 * time, so alerts of earlier runs on a shared broker are not counted.
 */
export class AlertAudit {
  /** Alerted transaction ids, in arrival order. */
  readonly ids: number[] = [];
  /** The alerts as read, in arrival order (the same order as `ids`). */
  readonly alerts: ScoredTransaction[] = [];
  /** For each alert, ms from the transaction's publication to the alert being readable. */
  readonly latenciesMs: number[] = [];
  private readonly stop = new AbortController();
  private readonly reading: Promise<void>;
  private lastArrival = Date.now();

  private constructor(private readonly subscription: Subscription<ScoredTransaction>) {
    this.reading = this.read();
  }

  /** Joins a fresh consumer group on the alerts stream and starts reading. */
  static async start(alerts: Stream<ScoredTransaction>, since: number): Promise<AlertAudit> {
    const subscription = await alerts.subscribe({
      group: `fraud-demo-audit-${since}-${process.pid}`,
      start: alerts.capabilities.startFromTimestamp ? { timestamp: since } : "latest",
    });
    return new AlertAudit(subscription);
  }

  /** Waits until the audit has caught up with the stream (no lag, or quiet for `quietMs`), then stops and returns the ids. */
  async finish(quietMs = 1_000): Promise<number[]> {
    for (;;) {
      const lag = Object.values(await this.subscription.lag());
      const caughtUp = lag.length > 0 && lag.every((n) => n === 0) && this.subscription.inFlight === 0;
      if (caughtUp || Date.now() - this.lastArrival >= quietMs) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.stop.abort();
    await this.reading;
    await this.subscription.close();
    return this.ids;
  }

  /**
   * Stops reading and leaves the group without waiting to catch up, for a
   * demo that ends early (its pipeline failed to start): the reader must stop
   * before the stream it reads from is closed under it. Never throws.
   */
  async close(): Promise<void> {
    this.stop.abort();
    await this.reading.catch(() => undefined);
    await this.subscription.close().catch(() => undefined);
  }

  private async read(): Promise<void> {
    for (;;) {
      const batch = await this.subscription.receive(this.stop.signal);
      if (batch === undefined) return;
      const now = Date.now();
      for (const record of batch.records) {
        this.ids.push(record.value.id);
        this.alerts.push(record.value);
        this.latenciesMs.push(now - record.timestamp);
      }
      this.subscription.ack([...batch.records, ...batch.undecodable]);
      this.lastArrival = Date.now();
    }
  }
}
