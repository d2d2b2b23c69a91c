import type { Consumer } from "@platformatic/kafka";
import type { IncomingRecord } from "@switchyard/core/driver";
import { appendRecords } from "./transform.js";

const FETCH_WAIT_MS = 500;

/** What one fetch round brought back. */
export interface Fetched {
  /** Decoded records, per partition in offset order. */
  records: IncomingRecord[];
  /** Next offset to fetch for each partition that returned data. */
  next: Map<number, number>;
  /** Wire bytes of the record batches, for sizing the next fetch. */
  bytes: number;
}

/**
 * One fetch per leader for the partitions at `positions` (in the order given, which
 * the broker fills first), at most `maxBytes` each. Resolves undefined when a
 * position lies outside its log (retention deleted it, or the topic was recreated).
 */
export async function fetchOnce(
  consumer: Consumer,
  topic: string,
  positions: [partition: number, offset: number][],
  maxBytes: number,
): Promise<Fetched | undefined> {
  const metadata = await consumer.metadata({ topics: [topic] });
  const info = metadata.topics.get(topic);
  const fetched: Fetched = { records: [], next: new Map(), bytes: 0 };
  if (info === undefined) return fetched;
  const byLeader = new Map<number, { partition: number; fetchOffset: bigint }[]>();
  for (const [partition, offset] of positions) {
    const leader = info.partitions[partition]?.leader ?? -1;
    const list = byLeader.get(leader) ?? [];
    list.push({ partition, fetchOffset: BigInt(offset) });
    byLeader.set(leader, list);
  }
  let responses;
  try {
    responses = await Promise.all(
      [...byLeader].map(([node, partitions]) =>
        consumer.fetch({
          node,
          maxWaitTime: FETCH_WAIT_MS,
          minBytes: 1,
          maxBytes,
          topics: [
            {
              topicId: info.id,
              partitions: partitions.map((p) => ({
                ...p,
                partitionMaxBytes: maxBytes,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            },
          ],
        }),
      ),
    );
  } catch (err) {
    const found = (err as { findBy?: (key: string, value: unknown) => unknown }).findBy?.(
      "apiId",
      "OFFSET_OUT_OF_RANGE",
    );
    if (found !== undefined && found !== null) return undefined;
    throw err;
  }
  const from = new Map(positions);
  for (const response of responses) {
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const at = from.get(p.partitionIndex);
        if (p.records === undefined || at === undefined) continue;
        for (const batch of p.records) fetched.bytes += batch.length;
        fetched.next.set(p.partitionIndex, appendRecords(p.records, p.partitionIndex, at, fetched.records));
      }
    }
  }
  return fetched;
}
