/**
 * One signal for a batch of concurrent SDK calls: the Azure SDKs add a
 * listener per call to the signal they are given, more than Node's default
 * of 10 per signal when a batch runs many at once.
 */
import { setMaxListeners } from "node:events";
import { linkSignals } from "@switchyard/core/driver";

/**
 * Runs `size` concurrent `calls` on a signal of its own that follows
 * `signal`, with no listener limit, and undoes the link when they end
 * (`AbortSignal.any`, used before, kept about 1 KB per batch alive on a
 * resource's lifetime signal on Node 20).
 * A batch of one call (`size` 1, a single get or put) adds one listener and
 * uses `signal` as it is: linking would cost a controller and a registration
 * per call, about 5% of the client's CPU per single Cosmos call in the
 * cosmos-state bench.
 */
export async function inBatch<T>(
  signal: AbortSignal,
  size: number,
  calls: (batch: AbortSignal) => Promise<T>,
): Promise<T> {
  if (size <= 1) return calls(signal);
  const batch = linkSignals(signal);
  setMaxListeners(0, batch.signal);
  try {
    return await calls(batch.signal);
  } finally {
    batch.dispose();
  }
}
