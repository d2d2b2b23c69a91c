import type { Subscription } from "../resources/subscription.js";
import type { PartitionLag } from "./lag.js";
import { formatStats } from "./stats.js";
import type { Stats, StatsCollector } from "./stats.js";

/**
 * Samples stats every second: refreshes consumer lag and shows the live line
 * (rewritten in place on a terminal; at most one line every 5 s otherwise), or
 * hands the snapshot to a callback.
 */
export class StatsReporter {
  private readonly timer: NodeJS.Timeout | undefined;
  private lastPrinted = 0;

  constructor(
    private readonly name: string,
    private readonly stats: StatsCollector,
    private readonly subscription: Subscription<unknown>,
    private readonly mode: "auto" | "off" | ((stats: Stats) => void),
    private readonly partitionLag?: PartitionLag,
  ) {
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  /** Stops sampling and ends the live line. */
  stop(): void {
    clearInterval(this.timer);
    if (this.mode === "auto" && process.stderr.isTTY && this.lastPrinted > 0) process.stderr.write("\n");
  }

  private async tick(): Promise<void> {
    let reported: Record<string, number> = {};
    try {
      reported = await this.subscription.lag();
    } catch {
      // The back end cannot tell now (it may be down): the records in flight are still behind.
    }
    const lag = this.partitionLag?.combine(reported) ?? reported;
    const values = Object.values(lag);
    this.stats.lagByPartition = lag;
    this.stats.lag = values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
    const snapshot = this.stats.snapshot();
    if (typeof this.mode === "function") {
      this.mode(snapshot);
    } else if (this.mode === "auto") {
      const line = formatStats(this.name, snapshot);
      if (process.stderr.isTTY) {
        process.stderr.write(`\r\x1b[2K${line}`);
        this.lastPrinted = Date.now();
      } else if (Date.now() - this.lastPrinted >= 5000) {
        process.stderr.write(`${line}\n`);
        this.lastPrinted = Date.now();
      }
    }
  }
}
