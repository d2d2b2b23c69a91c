import { SwitchyardError, codeOf, isRetryable } from "../errors.js";
import type { OutgoingRecord } from "../driver/index.js";
import type { Stream } from "../resources/stream.js";
import type { Settleable } from "../resources/received.js";
import { guardAbort } from "../resources/signals.js";
import { backoffDelay, sleep } from "../retry.js";
import type { RetryPolicy } from "../retry.js";
import type { Item } from "./batch.js";
import { deadLetterRecord, withoutSecrets } from "./dead-letter.js";
import type { StatsCollector } from "./stats.js";
import type { SinkWrite } from "./steps.js";
import type { Telemetry } from "./telemetry.js";
import { WarningLimiter } from "./warnings.js";

/** A record on its way to the dead-letter stream; `item` is set when it went through steps (it may hold its key). */
export interface Dead {
  settle: Settleable;
  item?: Item;
  stage: string;
  error: unknown;
  attempts: number;
}

/** How a sink write ended. */
export type WriteResult = "ok" | "abandoned" | { error: unknown; attempts: number };

/** What the writer needs to know about its run. */
export interface SinkWriterSetup {
  pipeline: string;
  source: string;
  deadLetters: Stream<unknown>;
  retry: RetryPolicy;
  stats: StatsCollector;
  telemetry: Telemetry;
  hardStop: AbortSignal;
  warn: (message: string) => void;
}

/**
 * Performs sink writes and dead-letter writes: retryable failures are retried
 * with backoff until the hard stop (holding the checkpoint meanwhile, and
 * reported as warnings); a hard stop abandons a write at once, even one whose
 * driver ignores its signal.
 */
export class SinkWriter {
  /** Records whose sink write failed and is being retried. */
  retrying = 0;
  /** A sink that is down fails every write: one line per stage every few seconds says so. */
  private readonly warnings = new WarningLimiter(2000);
  /** The first dead letter of each kind (stage and code) is shown, then one every 10 s. */
  private readonly deadLetterWarnings = new WarningLimiter(10_000);

  constructor(private readonly setup: SinkWriterSetup) {}

  /** Performs a write; retries retryable errors until the hard stop. */
  async write(w: SinkWrite): Promise<WriteResult> {
    const { setup } = this;
    let counted = 0;
    const started = performance.now();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          // One listener on the hard stop however many writes are in flight (guardAbort, not raceAbort).
          await guardAbort(w.perform(setup.hardStop), setup.hardStop, w.stage);
          setup.telemetry.metrics?.sinkWrite(w.stage, performance.now() - started);
          return "ok";
        } catch (error) {
          if (setup.hardStop.aborted) return "abandoned";
          if (!isRetryable(codeOf(error))) return { error, attempts: attempt };
          if (counted === 0) {
            counted = Math.max(1, w.items.length);
            this.retrying += counted;
          }
          setup.telemetry.metrics?.retry(w.stage, codeOf(error), Math.max(1, w.items.length));
          this.warnings.report(w.stage, (more) =>
            setup.warn(`${w.stage}: ${errorText(error)} — retrying (attempt ${attempt + 1})${more}`),
          );
          try {
            await sleep(backoffDelay(setup.retry, Math.min(attempt, 12)), setup.hardStop);
          } catch {
            return "abandoned";
          }
        }
      }
    } finally {
      this.retrying -= counted;
    }
  }

  private reportDeadLetter(d: Dead): void {
    const error = errorText(d.error);
    const { partition, offset } = d.settle.raw.position;
    this.deadLetterWarnings.report(`${d.stage}\0${codeOf(d.error)}`, (more) =>
      this.setup.warn(
        `dead letter: ${d.stage}: ${error.length > 300 ? `${error.slice(0, 297)}...` : error} (partition ${partition}, offset ${offset}, ${d.attempts} attempts)${more}`,
      ),
    );
  }

  /** Sends records to the dead-letter stream with their original bytes; false when it refused them or the run stopped hard. */
  async deadLetter(dead: Dead[]): Promise<boolean> {
    const { setup } = this;
    const records: OutgoingRecord[] = dead.map((d) =>
      deadLetterRecord(d.settle.raw, setup.source, setup.pipeline, d),
    );
    const result = await this.write({
      stage: `dead-letter:${setup.deadLetters.name}`,
      items: [],
      perform: (signal) => setup.deadLetters.publishRaw(records, signal),
    });
    if (result === "ok") {
      setup.stats.deadLetters += records.length;
      setup.telemetry.recordDeadLetters(dead);
      for (const d of dead) this.reportDeadLetter(d);
      return true;
    }
    if (result !== "abandoned") {
      setup.warn(
        `dead-letter stream "${setup.deadLetters.name}" refused ${records.length} records: ${errorText(result.error)} — they stay uncommitted and are redelivered after a restart`,
      );
    }
    return false;
  }
}

/** Longest error text a warning quotes. */
const MAX_WARNING_ERROR_CHARS = 1000;

/** An error as a warning shows it: `Code: message`, secrets masked, at most 1,000 characters. */
export function errorText(err: unknown): string {
  const text = err instanceof SwitchyardError ? `${err.code}: ${err.message}` : String(err);
  // Warnings quote errors a step threw, which may carry a connection string or a password.
  const masked = withoutSecrets(text);
  return masked.length > MAX_WARNING_ERROR_CHARS
    ? `${masked.slice(0, MAX_WARNING_ERROR_CHARS)}… (${text.length} characters)`
    : masked;
}
