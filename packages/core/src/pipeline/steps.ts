import type { OutgoingRecord, Point } from "../driver/index.js";
import { SwitchyardError } from "../errors.js";
import type { PointInput, Step } from "./builder.js";
import { outgoingHeaders } from "./batch.js";
import type { Item, StepFailure } from "./batch.js";
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
}

/**
 * Runs steps `from..` over `items` in plain loops, collecting per-record
 * failures and the sink writes to perform. Batch-level steps (`enrich`, `infer`)
 * run once per batch; if one throws, the step runs again record by record so
 * that only the records that really fail are set aside.
 */
export async function runSteps(
  steps: readonly Step[],
  from: number,
  items: Item[],
  resources: RunResources,
  traceparent: string | undefined,
): Promise<StepsOutcome> {
  const failures: StepFailure[] = [];
  const writes: SinkWrite[] = [];
  let current = items;
  for (let s = from; s < steps.length && current.length > 0; s++) {
    const step = steps[s]!;
    switch (step.kind) {
      case "map": {
        const next: Item[] = [];
        for (const item of current) {
          try {
            item.value = step.fn(item.value, item);
            next.push(item);
          } catch (error) {
            failures.push({ item, step: s, error });
          }
        }
        current = next;
        break;
      }
      case "filter": {
        const next: Item[] = [];
        for (const item of current) {
          try {
            if (step.fn(item.value, item)) next.push(item);
          } catch (error) {
            failures.push({ item, step: s, error });
          }
        }
        current = next;
        break;
      }
      case "enrich":
        current = await batchStep(current, s, failures, async (batch) => {
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
        current = await batchStep(current, s, failures, async (batch) => {
          const inputs = batch.map((i) => input(i.value));
          const result = await endpoint.predictBatch(inputs, resources.signal);
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
        const next: Item[] = [];
        const chosen: Item[] = [];
        const records: OutgoingRecord[] = [];
        for (const item of current) {
          try {
            if (when === undefined || when(item.value)) {
              records.push({
                key: key === undefined ? item.key : key(item.value, item),
                value: stream.codec.encode(item.value),
                headers,
                timestamp: item.timestamp,
              });
              chosen.push(item);
            }
            next.push(item);
          } catch (error) {
            failures.push({ item, step: s, error });
          }
        }
        if (records.length > 0) {
          writes.push({
            stage: `to:${step.stream}#${s}`,
            items: chosen,
            perform: (signal) => stream.publishRaw(records, signal),
          });
        }
        current = next;
        break;
      }
      case "record": {
        const sink = resources.timeseries(step.sink);
        const points: Point[] = [];
        const chosen: Item[] = [];
        const next: Item[] = [];
        for (const item of current) {
          try {
            const made = step.fn(item.value, item);
            if (made !== undefined) {
              for (const p of Array.isArray(made) ? made : [made]) points.push(toPoint(p, step.sink, item));
              chosen.push(item);
            }
            next.push(item);
          } catch (error) {
            failures.push({ item, step: s, error });
          }
        }
        if (points.length > 0) {
          writes.push({
            stage: `record:${step.sink}#${s}`,
            items: chosen,
            perform: () => sink.write(points),
          });
        }
        current = next;
        break;
      }
      case "store": {
        const store = resources.state(step.state);
        const { key, value, ttlMs, when } = step.options;
        const entries: { key: string; value: unknown; ttlMs?: number }[] = [];
        const chosen: Item[] = [];
        const next: Item[] = [];
        for (const item of current) {
          try {
            if (when === undefined || when(item.value)) {
              const entry = { key: key(item.value), value: value(item.value) };
              entries.push(ttlMs === undefined ? entry : { ...entry, ttlMs });
              chosen.push(item);
            }
            next.push(item);
          } catch (error) {
            failures.push({ item, step: s, error });
          }
        }
        if (entries.length > 0) {
          writes.push({
            stage: `store:${step.state}#${s}`,
            items: chosen,
            perform: () => store.putMany(entries),
          });
        }
        current = next;
        break;
      }
    }
  }
  return { failures, writes };
}

/** Runs a batch-level step; on failure runs it per record to isolate the failing ones. */
async function batchStep(
  items: Item[],
  step: number,
  failures: StepFailure[],
  fn: (batch: Item[]) => Promise<void>,
): Promise<Item[]> {
  const before = items.map((i) => i.value);
  try {
    await fn(items);
    return items;
  } catch (error) {
    if (items.length === 1) {
      failures.push({ item: items[0]!, step, error });
      return [];
    }
  }
  const ok: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    item.value = before[i];
    try {
      await fn([item]);
      ok.push(item);
    } catch (error) {
      failures.push({ item, step, error });
    }
  }
  return ok;
}

function toPoint(p: PointInput, sink: string, item: Item): Point {
  return {
    measurement: p.measurement ?? sink,
    tags: p.tags ?? {},
    fields: p.fields,
    time: p.time ?? item.timestamp,
  };
}
