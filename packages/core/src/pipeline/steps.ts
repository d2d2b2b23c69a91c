import type { OutgoingRecord, Point } from "../driver/index.js";
import { SwitchyardError } from "../errors.js";
import type { PointInput, Step } from "./builder.js";
import { outgoingHeaders } from "./batch.js";
import type { Item, StepFailure } from "./batch.js";
import type { KeyHolds } from "./key-holds.js";
import type { RunResources } from "./resources.js";

/** A write a sink step started: which items it carries and the call that performs it. */
export interface SinkWrite {
  /** Label for errors and dead-letter headers, e.g. `to:alerts#4`. */
  stage: string;
  /** The records this write covers (dead-lettered together on a permanent failure). */
  items: Item[];
  /** Performs the write; called again on retryable failures. */
  perform: (signal: AbortSignal) => Promise<unknown>;
}

/** What running the steps over a set of items produced. */
export interface StepsOutcome {
  /** Records that failed in a step. */
  failures: StepFailure[];
  /** Sink writes to perform (in step order). */
  writes: SinkWrite[];
  /** Records that went through every step (or were filtered out): done once the writes are. */
  finished: Item[];
}

/** One pass over the steps: its outcome so far, and the partition's held keys. */
class Pass implements StepsOutcome {
  readonly failures: StepFailure[] = [];
  readonly writes: SinkWrite[] = [];
  readonly finished: Item[] = [];

  constructor(private readonly holds: KeyHolds) {}

  /** Sets `item` aside at step `s` when an earlier record of its key is being retried. */
  blocked(item: Item, s: number): boolean {
    if (!this.holds.blocks(item)) return false;
    this.holds.defer(item, s);
    return true;
  }

  /** Records that `item` failed at step `s`; its key is held back behind it. */
  fail(item: Item, s: number, error: unknown): void {
    item.attempts = item.failedAt === s ? item.attempts + 1 : 1;
    item.failedAt = s;
    const displaced = this.holds.hold(item);
    if (displaced !== undefined) {
      // An earlier record of the key failed after a later one: the later one waits behind it.
      const at = this.failures.findIndex((f) => f.item === displaced);
      if (at >= 0) this.holds.defer(displaced, this.failures.splice(at, 1)[0]!.step);
    }
    this.failures.push({ item, step: s, error });
  }

  /** Runs a per-record step: `fn` returns whether the record goes on to the next step. */
  each(current: Item[], s: number, fn: (item: Item) => boolean): Item[] {
    const next: Item[] = [];
    for (const item of current) {
      if (this.blocked(item, s)) continue;
      try {
        if (fn(item)) next.push(item);
        else this.finished.push(item);
      } catch (error) {
        this.fail(item, s, error);
      }
    }
    return next;
  }

  /** Runs a batch-level step once over the batch; if it throws, record by record to isolate the failing ones. */
  async batch(current: Item[], s: number, fn: (batch: Item[]) => Promise<void>): Promise<Item[]> {
    const items = this.holds.size === 0 ? current : current.filter((item) => !this.blocked(item, s));
    if (items.length === 0) return items;
    const before = items.map((i) => i.value);
    try {
      await fn(items);
      return items;
    } catch (error) {
      if (items.length === 1) {
        this.fail(items[0]!, s, error);
        return [];
      }
    }
    const ok: Item[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      item.value = before[i];
      if (this.blocked(item, s)) continue;
      try {
        await fn([item]);
        ok.push(item);
      } catch (error) {
        this.fail(item, s, error);
      }
    }
    return ok;
  }
}

/** What a pass reports as it goes, for metrics: records in and out of each step, and model calls. */
export interface StepObserver {
  /** `entered` records went into step `index`; `left` came out to the next one. */
  stage(index: number, entered: number, left: number): void;
  /** One model call of `size` records took `ms`. */
  modelCall(model: string, ms: number, size: number): void;
}

/**
 * Runs the steps over `items` in plain loops, each item from its own `step`,
 * collecting per-record failures and the sink writes to perform. Batch-level
 * steps (`enrich`, `infer`) run once per batch; if one throws, the step runs
 * again record by record so that only the records that really fail are set
 * aside. A record whose key is held (an earlier record of the key failed) is
 * set aside in `holds` at the step it reached, so it never overtakes.
 */
export async function runSteps(
  steps: readonly Step[],
  items: Item[],
  resources: RunResources,
  traceparent: string | undefined,
  holds: KeyHolds,
  observer?: StepObserver,
): Promise<StepsOutcome> {
  const pass = new Pass(holds);
  const joining = byStep(items);
  let current: Item[] = [];
  for (let s = 0; s < steps.length; s++) {
    const join = joining.get(s);
    if (join !== undefined) current = current.length === 0 ? join : inStreamOrder(current, join);
    if (current.length === 0) continue;
    const step = steps[s]!;
    const entered = current.length;
    switch (step.kind) {
      case "map":
        current = pass.each(current, s, (item) => {
          item.value = step.fn(item.value, item);
          return true;
        });
        break;
      case "filter":
        current = pass.each(current, s, (item) => step.fn(item.value, item));
        break;
      case "enrich":
        current = await pass.batch(current, s, async (batch) => {
          const out = await step.fn(
            batch.map((i) => i.value),
            resources,
          );
          if (!Array.isArray(out) || out.length !== batch.length) {
            throw new SwitchyardError(
              "Internal",
              `enrich step #${s} returned ${Array.isArray(out) ? out.length : typeof out} values for ${batch.length} records — return one value per record, in order`,
            );
          }
          for (let i = 0; i < batch.length; i++) batch[i]!.value = out[i];
        });
        break;
      case "infer": {
        const endpoint = resources.model(step.model);
        const { input, output } = step.options;
        current = await pass.batch(current, s, async (batch) => {
          const inputs = batch.map((i) => input(i.value));
          const started = performance.now();
          const result = await endpoint.predictBatch(inputs, resources.signal);
          observer?.modelCall(step.model, performance.now() - started, inputs.length);
          const byModel = { fallback: false };
          const byFallback = { fallback: true };
          const marks = result.fromFallback;
          for (let i = 0; i < batch.length; i++) {
            const meta = marks?.[i] === true ? byFallback : byModel;
            batch[i]!.value = output(batch[i]!.value, result.outputs[i], meta);
          }
        });
        break;
      }
      case "to": {
        const stream = resources.streamWith(step.stream, step.options.codec);
        const { when, key } = step.options;
        const headers = outgoingHeaders(stream.codec.contentType, traceparent);
        await stream.codec.prepare?.([]);
        const chosen: Item[] = [];
        const records: OutgoingRecord[] = [];
        current = pass.each(current, s, (item) => {
          if (when === undefined || when(item.value)) {
            records.push({
              key: key === undefined ? item.key : key(item.value, item),
              value: stream.codec.encode(item.value),
              headers,
              timestamp: item.timestamp,
            });
            chosen.push(item);
          }
          return true;
        });
        if (records.length > 0) {
          pass.writes.push({
            stage: `to:${step.stream}#${s}`,
            items: chosen,
            perform: (signal) => stream.publishRaw(records, signal),
          });
        }
        break;
      }
      case "record": {
        const sink = resources.timeseries(step.sink);
        const points: Point[] = [];
        const chosen: Item[] = [];
        current = pass.each(current, s, (item) => {
          const made = step.fn(item.value, item);
          if (made !== undefined) {
            // Built first, so a point that fails to build adds none of the record's points.
            const built = Array.isArray(made)
              ? made.map((p) => toPoint(p, step.sink, item))
              : [toPoint(made, step.sink, item)];
            points.push(...built);
            chosen.push(item);
          }
          return true;
        });
        if (points.length > 0) {
          pass.writes.push({
            stage: `record:${step.sink}#${s}`,
            items: chosen,
            perform: (signal) => sink.write(points, { signal }),
          });
        }
        break;
      }
      case "store": {
        const store = resources.state(step.state);
        const { key, value, ttlMs, when } = step.options;
        const entries: { key: string; value: unknown; ttlMs?: number }[] = [];
        const chosen: Item[] = [];
        current = pass.each(current, s, (item) => {
          if (when === undefined || when(item.value)) {
            // Not `{ ...entry, ttlMs }`: on Node 20 a spread followed by more properties costs µs per object.
            entries.push(
              ttlMs === undefined
                ? { key: key(item.value), value: value(item.value) }
                : { key: key(item.value), value: value(item.value), ttlMs },
            );
            chosen.push(item);
          }
          return true;
        });
        if (entries.length > 0) {
          pass.writes.push({
            stage: `store:${step.state}#${s}`,
            items: chosen,
            perform: (signal) => store.putMany(entries, { signal }),
          });
        }
        break;
      }
    }
    observer?.stage(s, entered, current.length);
  }
  for (const item of current) pass.finished.push(item);
  return pass;
}

/** Groups items by the step they run next. */
function byStep(items: Item[]): Map<number, Item[]> {
  const groups = new Map<number, Item[]>();
  for (const item of items) {
    const list = groups.get(item.step);
    if (list === undefined) groups.set(item.step, [item]);
    else list.push(item);
  }
  return groups;
}

/** Merges two lists that are each in stream order. */
function inStreamOrder(a: Item[], b: Item[]): Item[] {
  const merged: Item[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.rec.ordinal < b[j]!.rec.ordinal)) merged.push(a[i++]!);
    else merged.push(b[j++]!);
  }
  return merged;
}

function toPoint(p: PointInput, sink: string, item: Item): Point {
  return {
    measurement: p.measurement ?? sink,
    tags: p.tags ?? {},
    fields: p.fields,
    time: p.time ?? item.timestamp,
  };
}
