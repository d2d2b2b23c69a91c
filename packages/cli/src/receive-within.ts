import type { PartitionBatch, Subscription } from "@switchyard/core";
import { deadlineSignal } from "@switchyard/core/driver";

const never = new AbortController().signal;

/**
 * One `receive` that gives up after `timeoutMs` (never, when undefined) or when
 * `signal` aborts; undefined when nothing came. Not `AbortSignal.any`: on Node 20
 * each would stay alive on `signal` until the command ends.
 */
export async function receiveWithin<T>(
  subscription: Subscription<T>,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<PartitionBatch<T> | undefined> {
  const wait = deadlineSignal(signal ?? never, timeoutMs);
  try {
    return await subscription.receive(wait.signal);
  } finally {
    wait.dispose();
  }
}
