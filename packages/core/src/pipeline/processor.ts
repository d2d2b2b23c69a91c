import { SwitchyardError, codeOf, isRetryable } from "../errors.js";
import type { OutgoingRecord } from "../driver/index.js";
import type { Stream } from "../resources/stream.js";
import type { PartitionBatch, Settleable } from "../resources/received.js";
import { backoffDelay, sleep } from "../retry.js";
import type { RetryPolicy } from "../retry.js";
import type { Step } from "./builder.js";
import { itemsOf } from "./batch.js";
import type { Item, StepFailure } from "./batch.js";
import { deadLetterRecord } from "./dead-letter.js";
import type { RunResources } from "./resources.js";
import type { StatsCollector } from "./stats.js";
import { runSteps } from "./steps.js";
import type { SinkWrite } from "./steps.js";
import type { Telemetry } from "./telemetry.js";

/** What the processor needs to know about its run. */
export interface ProcessorSetup {
  pipeline: string;
  source: string;
  steps: readonly Step[];
  resources: RunResources;
  deadLetters: Stream<unknown>;
  retry: RetryPolicy;
  stats: StatsCollector;
  telemetry: Telemetry;
  /** Aborted when in-flight work must be abandoned (a second signal, or the drain timed out). */
  hardStop: AbortSignal;
  /** Reports errors that do not stop the run (e.g. a sink retrying). */
  warn: (message: string) => void;
}

/** The outcome of one batch: settle these records as done, or leave them for redelivery. */
export interface BatchOutcome {
  /** Records every sink (or the dead-letter stream) acknowledged. */
  done: Settleable[];
  /** Records abandoned on a hard stop; they are redelivered after a restart. */
  abandoned: Settleable[];
}

/**
 * Processes partition batches: steps with per-record retries, then sink writes
 * with retries that hold the checkpoint, then dead letters for what cannot be
 * processed. `process` resolves in two phases so that a partition's next batch
 * can run its steps while this one's sinks are still writing.
 */
export class BatchProcessor {
  constructor(private readonly setup: ProcessorSetup) {}

  /** Runs the steps of a batch; resolves with the promise of its completion once the steps are done. */
  async process(batch: PartitionBatch<unknown>): Promise<{ completion: Promise<BatchOutcome> }> {
    const { setup } = this;
    const span = setup.telemetry.startBatch(
      batch.partition,
      batch.records.length + batch.undecodable.length,
      batch.records[0]?.headers,
    );
    const writes: SinkWrite[] = [];
    const dead: { item: Settleable; stage: string; error: unknown; attempts: number }[] = [];
    for (const u of batch.undecodable) dead.push({ item: u, stage: "decode", error: u.error, attempts: 1 });

    let failures: StepFailure[];
    try {
      const first = await runSteps(
        setup.steps,
        0,
        itemsOf(batch.records, batch.partition),
        setup.resources,
        span.traceparent,
      );
      writes.push(...first.writes);
      failures = first.failures;
      while (failures.length > 0) {
        // A step canceled by a hard stop did not fail: its batch is abandoned and redelivered, never dead-lettered.
        if (setup.hardStop.aborted || failures.some((f) => codeOf(f.error) === "Canceled")) {
          throw new SwitchyardError("Canceled", "batch abandoned on a hard stop");
        }
        const retry: StepFailure[] = [];
        for (const f of failures) {
          if (f.item.attempts >= setup.retry.maxAttempts || !isRetryable(codeOf(f.error))) {
            dead.push({
              item: f.item.rec,
              stage: stageName(setup.steps, f.step),
              error: f.error,
              attempts: f.item.attempts,
            });
          } else {
            retry.push(f);
          }
        }
        if (retry.length === 0) break;
        await sleep(backoffDelay(setup.retry, retry[0]!.item.attempts), setup.hardStop);
        failures = [];
        for (const [step, items] of groupByStep(retry)) {
          for (const item of items) item.attempts++;
          const again = await runSteps(setup.steps, step, items, setup.resources, span.traceparent);
          writes.push(...again.writes);
          failures.push(...again.failures);
        }
      }
    } catch (err) {
      // Only a hard stop (abandoning in-flight work) interrupts the steps themselves.
      span.end(err);
      const all: Settleable[] = [...batch.records, ...batch.undecodable];
      return { completion: Promise.resolve({ done: [], abandoned: all }) };
    }

    const completion = this.complete(batch, writes, dead).then(
      (outcome) => {
        span.end();
        return outcome;
      },
      (err: unknown) => {
        span.end(err);
        throw err;
      },
    );
    return { completion };
  }

  private async complete(
    batch: PartitionBatch<unknown>,
    writes: SinkWrite[],
    dead: { item: Settleable; stage: string; error: unknown; attempts: number }[],
  ): Promise<BatchOutcome> {
    const results = await Promise.all(writes.map((w) => this.write(w)));
    const failedWrites = new Set<Settleable>();
    for (let i = 0; i < writes.length; i++) {
      const r = results[i]!;
      if (r === "abandoned") return this.abandonAll(batch);
      if (r !== "ok") {
        for (const item of writes[i]!.items) {
          if (failedWrites.has(item.rec)) continue;
          failedWrites.add(item.rec);
          dead.push({ item: item.rec, stage: writes[i]!.stage, error: r.error, attempts: r.attempts });
        }
      }
    }
    if (dead.length > 0 && !(await this.deadLetter(dead))) return this.abandonAll(batch);
    const done: Settleable[] = [...batch.records, ...batch.undecodable];
    return { done, abandoned: [] };
  }

  /** Performs a sink write; retries retryable errors until the hard stop, holding the checkpoint meanwhile. */
  private async write(w: SinkWrite): Promise<"ok" | "abandoned" | { error: unknown; attempts: number }> {
    const { setup } = this;
    for (let attempt = 1; ; attempt++) {
      try {
        await w.perform(setup.hardStop);
        return "ok";
      } catch (error) {
        if (setup.hardStop.aborted) return "abandoned";
        if (!isRetryable(codeOf(error))) return { error, attempts: attempt };
        setup.warn(`${w.stage}: ${errorText(error)} — retrying (attempt ${attempt + 1})`);
        try {
          await sleep(backoffDelay(setup.retry, Math.min(attempt, 12)), setup.hardStop);
        } catch {
          return "abandoned";
        }
      }
    }
  }

  /** Sends records to the dead-letter stream with their original bytes; retries until the hard stop. */
  private async deadLetter(
    dead: { item: Settleable; stage: string; error: unknown; attempts: number }[],
  ): Promise<boolean> {
    const { setup } = this;
    const records: OutgoingRecord[] = dead.map((d) =>
      deadLetterRecord(d.item.raw, setup.source, setup.pipeline, d),
    );
    const result = await this.write({
      stage: `dead-letter:${setup.deadLetters.name}`,
      items: [],
      perform: (signal) => setup.deadLetters.publishRaw(records, signal),
    });
    if (result === "ok") {
      setup.stats.deadLetters += records.length;
      setup.telemetry.recordDeadLetters(records.length);
      return true;
    }
    if (result !== "abandoned") {
      setup.warn(
        `dead-letter stream "${setup.deadLetters.name}" refused ${records.length} records: ${errorText(result.error)} — they stay uncommitted and are redelivered after a restart`,
      );
    }
    return false;
  }

  private abandonAll(batch: PartitionBatch<unknown>): BatchOutcome {
    return { done: [], abandoned: [...batch.records, ...batch.undecodable] };
  }
}

function groupByStep(failures: StepFailure[]): Map<number, Item[]> {
  const groups = new Map<number, Item[]>();
  for (const f of failures) {
    const list = groups.get(f.step);
    if (list === undefined) groups.set(f.step, [f.item]);
    else list.push(f.item);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

function stageName(steps: readonly Step[], index: number): string {
  const step = steps[index];
  return step === undefined ? `step#${index}` : `${step.kind}#${index}`;
}

function errorText(err: unknown): string {
  return err instanceof SwitchyardError ? `${err.code}: ${err.message}` : String(err);
}
