/**
 * Reading a whole stream back after a run, in a fresh consumer group, the way
 * an auditor would: through the portable `Stream`, so one reader serves every
 * engine the end-to-end tests compare.
 */
import type { Stream } from "@switchyard/core";

/** Silence that, with no lag left, means the stream is read out, ms. */
const SETTLE_MS = 300;

/** Options of {@link readStream}. */
export interface ReadStreamOptions {
  /** Consumer group; must be new, so reading starts at the earliest record. */
  group: string;
  /** Records expected at least; reading stops early only once this many arrived. Default 0. */
  atLeast?: number;
  /** Silence after the last record that means the stream is read out, ms. Default 1500. */
  quietMs?: number;
  /** Longest the whole read may take before it fails, ms. Default 30000. */
  timeoutMs?: number;
}

/** What a stream held. */
export interface StreamContents<T> {
  /** Decoded values, in arrival order. */
  values: T[];
  /** Records whose bytes did not decode with the stream's codec. */
  undecodable: number;
}

/**
 * Reads every record of `stream` from the earliest one. Stops when the
 * subscription reports no lag on any partition and nothing is in flight, or
 * when nothing arrived for `quietMs` — in both cases only once at least
 * `atLeast` records arrived. Throws
 * when `timeoutMs` passes first, so a test never hangs on a stream.
 */
export async function readStream<T>(
  stream: Stream<T>,
  options: ReadStreamOptions,
): Promise<StreamContents<T>> {
  const quietMs = options.quietMs ?? 1500;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const atLeast = options.atLeast ?? 0;
  const subscription = await stream.subscribe({ group: options.group, start: "earliest" });
  const contents: StreamContents<T> = { values: [], undecodable: 0 };
  const stop = new AbortController();
  let lastArrival = Date.now();
  const reading = (async () => {
    for (;;) {
      const batch = await subscription.receive(stop.signal);
      if (batch === undefined) return;
      for (const record of batch.records) contents.values.push(record.value);
      contents.undecodable += batch.undecodable.length;
      subscription.ack([...batch.records, ...batch.undecodable]);
      lastArrival = Date.now();
    }
  })();
  const started = Date.now();
  try {
    for (;;) {
      const read = contents.values.length + contents.undecodable;
      const silent = Date.now() - lastArrival;
      // Lag can reach zero while a driver still holds fetched records: insist on a short silence too.
      const done = silent >= quietMs || (silent >= SETTLE_MS && (await caughtUp(subscription, read)));
      if (read >= atLeast && done) break;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `reading stream "${stream.name}" took over ${timeoutMs} ms (${read} records, ${atLeast} expected)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    stop.abort();
    await reading.catch(() => undefined);
    await subscription.close();
  }
  return contents;
}

async function caughtUp(
  subscription: { lag(): Promise<Record<string, number>>; inFlight: number },
  read: number,
): Promise<boolean> {
  if (read === 0 || subscription.inFlight > 0) return false;
  const lag = Object.values(await subscription.lag());
  return lag.length > 0 && lag.every((n) => n === 0);
}
