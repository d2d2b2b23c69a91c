import type { Headers } from "../driver/index.js";
import type { Received } from "../resources/received.js";
import type { RecordMeta } from "./builder.js";

/** One record moving through the steps: its current value and where it came from. */
export interface Item extends RecordMeta {
  /** The value as the previous step left it. */
  value: unknown;
  /** The source record. */
  readonly rec: Received<unknown>;
  /** Attempts made at the step it last failed in (0 until it fails); waits for a resource that was away are not counted. */
  attempts: number;
  /** Times it waited for a resource that was away; it lengthens the backoff. */
  waits: number;
  /** The step it last failed in; -1 until it fails. */
  failedAt: number;
  /** The step it runs next: 0 for a new record; where it stopped for one retried or held back. */
  step: number;
}

/** A record that failed in a step, to be retried from that step or dead-lettered. */
export interface StepFailure {
  /** The record. */
  item: Item;
  /** Index of the step that failed. */
  step: number;
  /** What it threw. */
  error: unknown;
}

/** Makes the items of a partition batch. */
export function itemsOf(records: readonly Received<unknown>[], partition: string): Item[] {
  const items = new Array<Item>(records.length);
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    items[i] = {
      value: rec.value,
      key: rec.key,
      headers: rec.headers,
      timestamp: rec.timestamp,
      partition,
      rec,
      attempts: 0,
      waits: 0,
      failedAt: -1,
      step: 0,
    };
  }
  return items;
}

/** Headers for a record a sink writes: the codec's content type and the batch's trace context. */
export function outgoingHeaders(contentType: string, traceparent: string | undefined): Headers {
  return traceparent === undefined
    ? { "content-type": contentType }
    : { "content-type": contentType, traceparent };
}
