import type { OutgoingRecord } from "@switchyard/core/driver";
import type { Stream } from "@switchyard/core";
import type { FeedRecord } from "./feed.js";

const HEADERS = { "content-type": "application/avro" };

/** Records per publish call unless told otherwise. */
export const PUBLISH_BATCH = 500;

/** Options of {@link produce}. */
export interface ProduceOptions {
  /** Events per second; 0 for as fast as the stream takes them. */
  rate: number;
  /** Records per publish call. Default {@link PUBLISH_BATCH}. */
  batchSize?: number;
  /** Stops producing when aborted. */
  signal?: AbortSignal;
}

/**
 * Publishes the feed's records (already encoded) to a stream in batches, paced
 * to `rate`. Each record's timestamp is the time it is published, so the
 * pipeline's end-to-end latency is measured from the moment the payment
 * switch hands the transaction over. Resolves with the number published.
 */
export async function produce(
  stream: Stream<unknown>,
  feed: Iterable<FeedRecord>,
  options: ProduceOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? PUBLISH_BATCH;
  const started = performance.now();
  let sent = 0;
  let batch: OutgoingRecord[] = [];
  const flush = async () => {
    if (options.rate > 0) {
      const due = started + (sent * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const now = Date.now();
    for (const record of batch) record.timestamp = now;
    await stream.publishRaw(batch, options.signal);
    sent += batch.length;
    batch = [];
    // Let the pipeline run between batches: producer and pipeline share this event loop.
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (const record of feed) {
    if (options.signal?.aborted) break;
    batch.push({ key: record.key, value: record.value, headers: HEADERS, timestamp: 0 });
    if (batch.length === batchSize) await flush();
  }
  if (batch.length > 0 && !options.signal?.aborted) await flush();
  return sent;
}
