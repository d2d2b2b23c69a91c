import type { Stream, Subscription } from "@switchyard/core";
import type { Position } from "@switchyard/core/driver";

/** A received record reduced to what the suite compares. */
export interface Seen {
  key: string | undefined;
  value: Uint8Array;
  headers: Record<string, string>;
  timestamp: number;
  id: string;
  partition: string;
  position: Position;
  settle: Parameters<Subscription<Uint8Array>["ack"]>[0][number];
}

/**
 * Receives until `count` records arrived or `timeoutMs` passed; returns what
 * arrived. With `ack`, each batch is acknowledged and committed as it arrives.
 */
export async function receiveAtLeast(
  sub: Subscription<Uint8Array>,
  count: number,
  timeoutMs: number,
  options: { ack?: boolean } = {},
): Promise<Seen[]> {
  const seen: Seen[] = [];
  const deadline = AbortSignal.timeout(timeoutMs);
  while (seen.length < count && !deadline.aborted) {
    const batch = await sub.receive(deadline);
    if (batch === undefined) break;
    if (options.ack === true) {
      sub.ack(batch.records);
      await sub.commit();
    }
    for (const r of batch.records) {
      seen.push({
        key: r.key,
        value: r.value,
        headers: r.headers,
        timestamp: r.timestamp,
        id: r.id,
        partition: batch.partition,
        position: r.raw.position,
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

/** The numbers of records, ascending. */
export function sortedNumbers(seen: readonly Seen[]): number[] {
  return seen.map(numberOf).sort((a, b) => a - b);
}

/** `[from, from + 1, …, to - 1]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Headers as a plain object, so that comparisons ignore the class a driver built them with. */
export function plainHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers));
}

export { pause, uniqueName } from "./fixtures.js";
