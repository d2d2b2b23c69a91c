import type { Consumer } from "@platformatic/kafka";
import type { StartPosition } from "@switchyard/core/driver";

/** ListOffsets' special timestamps: the log start and the log end. */
const EARLIEST = -2n;
const LATEST = -1n;

async function offsetsAt(
  consumer: Consumer,
  topic: string,
  partitions: number[],
  timestamp: bigint,
): Promise<(bigint | undefined)[]> {
  const found = await consumer.listOffsets({
    topics: [topic],
    partitions: { [topic]: partitions },
    timestamp,
  });
  const list = found.get(topic) ?? [];
  return partitions.map((p) => list[p]);
}

/** The first and the next-to-be-written offset of each partition. */
export async function logBounds(
  consumer: Consumer,
  topic: string,
  partitions: number[],
): Promise<Map<number, [number, number]>> {
  const earliest = await offsetsAt(consumer, topic, partitions, EARLIEST);
  const latest = await offsetsAt(consumer, topic, partitions, LATEST);
  return new Map(partitions.map((p, i) => [p, [Number(earliest[i] ?? 0n), Number(latest[i] ?? 0n)]]));
}

/**
 * Where each newly assigned partition starts: the group's committed position if
 * it has one, else the subscription's start (earliest, latest, the first record
 * at or after a time — the end when there is none — or a given offset).
 */
export async function startOffsets(
  consumer: Consumer,
  topic: string,
  partitions: number[],
  start: StartPosition,
): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  const committed = await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] });
  const committedList = committed.get(topic) ?? [];
  const fresh: number[] = [];
  for (const p of partitions) {
    const c = committedList[p];
    if (c !== undefined && c >= 0n) result.set(p, Number(c));
    else fresh.push(p);
  }
  if (fresh.length === 0) return result;

  const earliest = await offsetsAt(consumer, topic, fresh, EARLIEST);
  const latest = await offsetsAt(consumer, topic, fresh, LATEST);
  let chosen: (bigint | undefined)[];
  if (start === "earliest") chosen = earliest;
  else if (start === "latest") chosen = latest;
  else if ("timestamp" in start) chosen = await offsetsAt(consumer, topic, fresh, BigInt(start.timestamp));
  else
    chosen = fresh.map((p) =>
      start.offsets[String(p)] === undefined ? undefined : BigInt(start.offsets[String(p)]!),
    );

  // No record at or after the time (-1) means the end; a partition without a given offset starts at the beginning.
  const fallback = typeof start === "object" && "offsets" in start ? earliest : latest;
  fresh.forEach((p, i) => {
    const low = Number(earliest[i] ?? 0n);
    const high = Number(latest[i] ?? 0n);
    const pick = chosen[i] !== undefined && chosen[i] >= 0n ? chosen[i] : (fallback[i] ?? 0n);
    result.set(p, Math.min(Math.max(Number(pick), low), high));
  });
  return result;
}
