import { codeOf, isRetryable } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { PartitionBatch, Settleable } from "../resources/received.js";
import { backoffDelay, sleep } from "../retry.js";
import type { Step } from "./builder.js";
import { itemsOf } from "./batch.js";
import type { Item } from "./batch.js";
import { KeyHolds } from "./key-holds.js";
import type { RunResources } from "./resources.js";
import { SinkWriter, errorText } from "./sink-writer.js";
import type { Dead, SinkWriterSetup } from "./sink-writer.js";
import { runSteps } from "./steps.js";
import type { SinkWrite, StepObserver } from "./steps.js";
import { WarningLimiter } from "./warnings.js";

/** What the processor needs to know about its run. */
export interface ProcessorSetup extends SinkWriterSetup {
  steps: readonly Step[];
  resources: RunResources;
  /** Aborted when in-flight work must be abandoned (a second signal, or the drain timed out). */
  hardStop: AbortSignal;
  /** Reports errors that do not stop the run (e.g. a sink retrying). */
  warn: (message: string) => void;
  /** Takes settled records: done ones to acknowledge, abandoned ones to leave for redelivery. */
  settle: (outcome: BatchOutcome) => void;
  /** Reports an unexpected error; the run stops with it. */
  fail: (error: unknown) => void;
}

/** Records settled together: acknowledge these as done, or leave those for redelivery. */
export interface BatchOutcome {
  /** Records every sink (or the dead-letter stream) acknowledged. */
  done: Settleable[];
  /** Records abandoned on a hard stop; they are redelivered after a restart. */
  abandoned: Settleable[];
}

/**
 * Whether a step failed because a resource it called is away — unreachable, its
 * circuit open, or throttling — rather than because of the record: such a record
 * is retried until the resource answers or the run stops hard, never dead-lettered.
 */
function isOutage(code: ErrorCode): boolean {
  return code === "Unavailable" || code === "ResourceExhausted";
}

/** One partition's work: its held keys, and the tail of its passes (which run one at a time, in order). */
interface Lane {
  partition: string;
  holds: KeyHolds;
  tail: Promise<void>;
}

/**
 * Processes partition batches in passes over the steps. A record whose step
 * throws is retried from that step with backoff, and holds back the later
 * records of its key until it is written or dead-lettered; the rest of the
 * partition goes on. Passes of a partition run one at a time, in order, so
 * sink writes are issued in stream order per key; the writes complete
 * asynchronously, retrying while holding the checkpoint.
 */
export class BatchProcessor {
  private readonly lanes = new Map<string, Lane>();
  private pending = 0;
  private stepRetries = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly writer: SinkWriter;
  private readonly observer: StepObserver | undefined;
  private passes = 0;
  /** Step retries are reported at most once per stage every few seconds. */
  private readonly stepWarnings = new WarningLimiter(5000);

  constructor(private readonly setup: ProcessorSetup) {
    this.writer = new SinkWriter(setup);
    const metrics = setup.telemetry.metrics;
    if (metrics !== undefined) {
      const names = setup.steps.map((_, i) => stageName(setup.steps, i));
      this.observer = {
        stage: (index, entered, left) => metrics.stage(names[index] ?? `step#${index}`, entered, left),
        modelCall: (model, ms, size) => metrics.modelCall(model, ms, size),
      };
    }
  }

  /** Passes over the steps started and not yet completed (their writes included). */
  get inFlightBatches(): number {
    return this.passes;
  }

  /** Records handed in and not yet settled. */
  get inFlight(): number {
    return this.pending;
  }

  /** Records waiting on a retry: of a step, of a sink write, or of an earlier record of their key. */
  get retrying(): number {
    let held = 0;
    for (const lane of this.lanes.values()) held += lane.holds.waiting;
    return this.stepRetries + this.writer.retrying + held;
  }

  /** Runs the steps of a batch after its partition's earlier passes; resolves once they are done (the writes go on). */
  process(batch: PartitionBatch<unknown>): Promise<void> {
    let lane = this.lanes.get(batch.partition);
    if (lane === undefined) {
      lane = { partition: batch.partition, holds: new KeyHolds(), tail: Promise.resolve() };
      this.lanes.set(batch.partition, lane);
    }
    this.pending += batch.records.length + batch.undecodable.length;
    const dead: Dead[] = batch.undecodable.map((u) => ({
      settle: u,
      stage: "decode",
      error: u.error,
      attempts: 1,
    }));
    return this.enqueue(lane, () => this.pass(lane, itemsOf(batch.records, batch.partition), dead));
  }

  /** Resolves once every record handed in is settled. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(lane: Lane, task: () => Promise<void>): Promise<void> {
    const next = lane.tail.then(task);
    lane.tail = next.catch((err: unknown) => this.setup.fail(err));
    return next;
  }

  /** One pass over the steps; the sink writes are issued before it returns and complete afterwards. */
  private async pass(lane: Lane, items: Item[], dead: Dead[]): Promise<void> {
    const { setup } = this;
    if (setup.hardStop.aborted) {
      this.abandon(lane, items, dead);
      return;
    }
    const span = setup.telemetry.startBatch(lane.partition, items.length + dead.length, items[0]?.headers);
    this.passes++;
    let outcome;
    try {
      outcome = await runSteps(
        setup.steps,
        items,
        setup.resources,
        span.traceparent,
        lane.holds,
        this.observer,
      );
    } catch (err) {
      this.passes--;
      span.end(err);
      this.abandon(lane, items, dead);
      throw err;
    }
    const retry: Item[] = [];
    const canceled: Item[] = [];
    for (const f of outcome.failures) {
      const code = codeOf(f.error);
      const outage = isOutage(code);
      // A step canceled by a hard stop did not fail: the record is redelivered, never dead-lettered.
      if (setup.hardStop.aborted || code === "Canceled") canceled.push(f.item);
      else if (!isRetryable(code) || (!outage && f.item.attempts >= setup.retry.maxAttempts)) {
        const stage = stageName(setup.steps, f.step);
        dead.push({ settle: f.item.rec, item: f.item, stage, error: f.error, attempts: f.item.attempts });
      } else {
        f.item.step = f.step;
        retry.push(f.item);
        const stage = stageName(setup.steps, f.step);
        setup.telemetry.metrics?.retry(stage, code);
        if (outage) {
          // The back end is away, not the record at fault: waiting for it uses up none of the record's attempts.
          f.item.attempts--;
          f.item.waits++;
        }
        const when = outage
          ? `until it answers (wait ${f.item.waits})`
          : `(attempt ${f.item.attempts + 1} of ${setup.retry.maxAttempts})`;
        this.stepWarnings.report(stage, (more) =>
          setup.warn(`${stage}: ${errorText(f.error)} — retrying ${when}${more}`),
        );
      }
    }
    if (canceled.length > 0) this.abandon(lane, canceled, []);
    if (retry.length > 0) this.scheduleRetry(lane, retry);
    const completion = this.complete(lane, outcome.writes, outcome.finished, dead);
    completion.then(
      () => {
        this.passes--;
        span.end();
      },
      (err: unknown) => {
        this.passes--;
        span.end(err);
        setup.fail(err);
      },
    );
  }

  /** Runs `items` again from the step they failed in, after a backoff. */
  private scheduleRetry(lane: Lane, items: Item[]): void {
    this.stepRetries += items.length;
    const delay = backoffDelay(this.setup.retry, Math.min(items[0]!.attempts + items[0]!.waits, 12));
    sleep(delay, this.setup.hardStop).then(
      () => {
        this.stepRetries -= items.length;
        void this.enqueue(lane, () => this.pass(lane, items, [])).catch(() => undefined);
      },
      () => {
        this.stepRetries -= items.length;
        this.abandon(lane, items, []);
      },
    );
  }

  /** Waits for the writes of a pass, dead-letters what failed, settles the records and releases held keys. */
  private async complete(lane: Lane, writes: SinkWrite[], finished: Item[], dead: Dead[]): Promise<void> {
    const results = await Promise.all(writes.map((w) => this.writer.write(w)));
    if (results.includes("abandoned")) {
      this.abandon(lane, finished, dead);
      return;
    }
    const failed = new Set<Item>();
    for (let i = 0; i < writes.length; i++) {
      const r = results[i]!;
      if (r === "ok" || r === "abandoned") continue;
      for (const item of writes[i]!.items) {
        if (failed.has(item)) continue;
        failed.add(item);
        dead.push({ settle: item.rec, item, stage: writes[i]!.stage, error: r.error, attempts: r.attempts });
      }
    }
    const done = failed.size === 0 ? finished : finished.filter((item) => !failed.has(item));
    if (dead.length > 0 && !(await this.writer.deadLetter(dead))) {
      this.abandon(lane, [], dead);
      this.settle(lane, done, []);
      return;
    }
    this.settle(lane, done, dead);
  }

  /** Acknowledges done and dead-lettered records; a record that held its key back releases it. */
  private settle(lane: Lane, done: Item[], dead: Dead[]): void {
    const records: Settleable[] = done.map((item) => item.rec);
    for (const d of dead) records.push(d.settle);
    this.finish({ done: records, abandoned: [] }, records.length);
    for (const item of done) this.releaseAfter(lane, item);
    for (const d of dead) if (d.item !== undefined) this.releaseAfter(lane, d.item);
  }

  private releaseAfter(lane: Lane, item: Item): void {
    if (!lane.holds.isBlocker(item)) return;
    void this.enqueue(lane, () => this.pass(lane, lane.holds.release(item), [])).catch(() => undefined);
  }

  /** Leaves records for redelivery, with every record held back behind them. */
  private abandon(lane: Lane, items: Item[], dead: Dead[]): void {
    const records: Settleable[] = dead.map((d) => d.settle);
    const queue = [...items, ...dead.flatMap((d) => (d.item === undefined ? [] : [d.item]))];
    for (let i = 0; i < queue.length; i++) {
      const item = queue[i]!;
      if (i < items.length) records.push(item.rec);
      for (const held of lane.holds.release(item)) {
        records.push(held.rec);
        queue.push(held);
      }
    }
    this.finish({ done: [], abandoned: records }, records.length);
  }

  private finish(outcome: BatchOutcome, count: number): void {
    if (count === 0) return;
    this.setup.settle(outcome);
    this.pending -= count;
    if (this.pending === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

function stageName(steps: readonly Step[], index: number): string {
  const step = steps[index];
  return step === undefined ? `step#${index}` : `${step.kind}#${index}`;
}
