import { SwitchyardError } from "../errors.js";

/** Options of {@link DeadLetterWatch}. */
export interface DeadLetterWatchOptions {
  /** Share of recent records dead-lettered above which the run warns loudly. */
  warnRatio: number;
  /** Share above which the run stops with an error; undefined never stops. */
  maxRatio: number | undefined;
  /** How far back "recent" reaches, ms. */
  windowMs: number;
  /** Fewest recent records a ratio is judged on, so that one bad record of three does not count. */
  minRecords: number;
}

/**
 * Watches the share of recent records that went to the dead-letter stream:
 * sampled every second, it warns (at most every `windowMs`) when the share is
 * above `warnRatio`, and returns an error to stop the run with once it is
 * above `maxRatio`.
 */
export class DeadLetterWatch {
  private readonly samples: { at: number; processed: number; deadLetters: number }[];
  private lastWarning = -Infinity;

  /** Starts watching from zero records at `now`. */
  constructor(
    private readonly options: DeadLetterWatchOptions,
    now = Date.now(),
  ) {
    this.samples = [{ at: now, processed: 0, deadLetters: 0 }];
  }

  /** Takes a sample of the run's counters; returns a warning to print, an error to stop with, or nothing. */
  sample(
    processed: number,
    deadLetters: number,
    now = Date.now(),
  ): { warning?: string; error?: SwitchyardError } {
    const { windowMs, minRecords, warnRatio, maxRatio } = this.options;
    this.samples.push({ at: now, processed, deadLetters });
    while (this.samples.length > 2 && now - this.samples[0]!.at > windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const records = processed - first.processed;
    if (records < minRecords) return {};
    const dead = deadLetters - first.deadLetters;
    const ratio = dead / records;
    const text = `${dead.toLocaleString("en-US")} of the last ${records.toLocaleString("en-US")} records (${percent(ratio)}) went to the dead-letter stream`;
    if (maxRatio !== undefined && ratio > maxRatio) {
      return {
        error: new SwitchyardError(
          "FailedPrecondition",
          `${text}, more than the allowed ${percent(maxRatio)} — stopping; see the x-error-* headers of the dead letters for why`,
        ),
      };
    }
    if (ratio > warnRatio && now - this.lastWarning >= windowMs) {
      this.lastWarning = now;
      return { warning: `WARNING: ${text} — see the x-error-* headers of the dead letters for why` };
    }
    return {};
  }
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
