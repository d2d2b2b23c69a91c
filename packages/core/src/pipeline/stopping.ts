import type { BatchProcessor } from "./processor.js";

/** How long in-flight work may take to unwind once abandoned, ms. */
const ABANDON_GRACE_MS = 2000;
/** How long flushing sinks, and then the final commit, may each take at the end of a run, ms. */
export const CLOSE_TIMEOUT_MS = 5000;

/**
 * Waits for in-flight records; after the timeout, abandons them (they are
 * redelivered later) and waits at most a short grace for them to unwind, so a
 * back end that never answers cannot hold the stop.
 */
export async function drain(
  processor: BatchProcessor,
  timeoutMs: number,
  hard: AbortController,
  warn: (m: string) => void,
): Promise<void> {
  const settled = processor.idle();
  const drained = await within(timeoutMs, settled, () => {
    warn(
      `in-flight work did not finish within ${timeoutMs} ms — abandoning it; it is redelivered on restart`,
    );
  });
  if (drained) return;
  hard.abort();
  await within(ABANDON_GRACE_MS, settled, () =>
    warn(
      `${processor.inFlight} records did not unwind within ${ABANDON_GRACE_MS} ms — stopping without them`,
    ),
  );
}

/** Waits for `work` at most `ms`; calls `late` and resolves false when the time runs out first. */
export async function within(ms: number, work: Promise<unknown>, late: () => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    const ok = await Promise.race([work.then(() => true), timedOut]);
    if (!ok) late();
    return ok;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops `stop` on SIGINT/SIGTERM, and `hard` on a second one; returns the function that removes the handlers. */
export function onSignals(
  stop: AbortController,
  hard: AbortController,
  warn: (m: string) => void,
): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      warn(`${signal} again — abandoning in-flight work`);
      hard.abort();
    } else {
      warn(`${signal} — draining in-flight batches, flushing sinks and committing (send again to abandon)`);
      stop.abort();
    }
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
