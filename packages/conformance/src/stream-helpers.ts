import type { Stream } from "@switchyard/core";
import type { Subscription } from "@switchyard/core";

/** A received record reduced to what the suite compares. */
export interface Seen {
  key: string | undefined;
  value: Uint8Array;
  headers: Record<string, string>;
  timestamp: number;
  partition: string;
  settle: Parameters<Subscription<Uint8Array>["ack"]>[0][number];
}

/** Receives until `count` records arrived or `timeoutMs` passed; returns what arrived. */
export async function receiveAtLeast(
  sub: Subscription<Uint8Array>,
  count: number,
  timeoutMs: number,
): Promise<Seen[]> {
  const seen: Seen[] = [];
  const deadline = AbortSignal.timeout(timeoutMs);
  while (seen.length < count && !deadline.aborted) {
    const batch = await sub.receive(deadline);
    if (batch === undefined) break;
    for (const r of batch.records) {
      seen.push({
        key: r.key,
        value: r.value,
        headers: r.headers,
        timestamp: r.timestamp,
        partition: batch.partition,
        settle: r,
      });
    }
  }
  return seen;
}

/** Publishes `n` numbered records (value = the number as text) with the given key function. */
export async function publishNumbered(
  stream: Stream<Uint8Array>,
  n: number,
  key: (i: number) => string | undefined = () => "k",
  from = 0,
): Promise<void> {
  const encoder = new TextEncoder();
  const records = [];
  for (let i = from; i < from + n; i++) {
    records.push({ key: key(i), value: encoder.encode(String(i)), headers: { n: String(i) } });
  }
  await stream.publish(records);
}

/** The number a numbered record carries. */
export function numberOf(seen: Seen): number {
  return Number(new TextDecoder().decode(seen.value));
}

/** A name unique to this run, for groups and streams. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
