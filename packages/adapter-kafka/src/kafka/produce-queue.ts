import type { MessageToProduce, Producer } from "@platformatic/kafka";
import type { OutgoingRecord, SendResult } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { partitionCount } from "./client.js";
import { withKafkaDetail } from "./error-detail.js";
import type { KafkaStreamOptions } from "./options.js";
import { partitionForKey, recordBytes, recordId, toMessage } from "./transform.js";

interface Pending {
  records: OutgoingRecord[];
  settle(result: SendResult[] | undefined, err?: Error): void;
  done: boolean;
}

/**
 * The producer side's accumulator: one produce request in flight at a time, and
 * every `send` that arrives meanwhile joins the next request (after `lingerMs`
 * when set). One at a time because the client's idempotent producer numbers a
 * partition's batches when the previous request is answered, so two requests in
 * flight would be refused as out of order; merging keeps throughput instead.
 *
 * After a failed request the producer takes a new producer id before it sends
 * again: the broker may have written the request, or part of it, without the
 * answer arriving (a broker restart, one partition refusing its share), and the
 * client only advances a partition's sequence number on a full success. Left
 * alone, every later send to that partition is refused as out of order — or,
 * when it happens to be as long as the written batch, dropped as a duplicate.
 * Core resends the failed records, so a new id costs at most duplicates.
 */
export class ProduceQueue {
  private pending: Pending[] = [];
  private inflight = false;
  private timer: NodeJS.Timeout | undefined;
  private sticky = 0;
  /** Set when a request failed: the idempotent producer's sequence numbers may no longer match the broker's. */
  private sequencesInDoubt = false;

  constructor(
    private readonly producer: Producer,
    private readonly options: KafkaStreamOptions,
  ) {}

  /** Queues records; resolves with one result per record once all are acknowledged. */
  add(records: OutgoingRecord[], signal: AbortSignal): Promise<SendResult[]> {
    return new Promise<SendResult[]>((resolve, reject) => {
      const onAbort = () => entry.settle(undefined, new SwitchyardError("Canceled", "kafka send canceled"));
      const entry: Pending = {
        records,
        done: false,
        settle(result, err) {
          if (entry.done) return;
          entry.done = true;
          signal.removeEventListener("abort", onAbort);
          if (result === undefined) reject(err ?? new Error("kafka send failed"));
          else resolve(result);
        },
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.pending.push(entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inflight || this.timer !== undefined || this.pending.length === 0) return;
    if (this.options.lingerMs === 0) {
      void this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.lingerMs);
  }

  /** Takes up to `maxBatchRecords` queued records (at least one send) and produces them. */
  private async flush(): Promise<void> {
    const entries: Pending[] = [];
    let count = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      if (entries.length > 0 && count + next.records.length > this.options.maxBatchRecords) break;
      this.pending.shift();
      if (next.done) continue;
      entries.push(next);
      count += next.records.length;
    }
    if (entries.length === 0) return;
    this.inflight = true;
    try {
      const results = await this.produce(entries.flatMap((e) => e.records));
      let i = 0;
      for (const entry of entries) entry.settle(results.slice(i, (i += entry.records.length)));
    } catch (err) {
      const error = withKafkaDetail(err);
      for (const entry of entries) entry.settle(undefined, error);
    } finally {
      this.inflight = false;
      this.schedule();
    }
  }

  /**
   * Produces records in as few requests as the broker's batch limit allows (each
   * partition's share of a request stays under `maxRecordBytes`), in order.
   */
  private async produce(records: OutgoingRecord[]): Promise<SendResult[]> {
    const { topic, maxRecordBytes } = this.options;
    if (this.sequencesInDoubt) await this.renewProducerId();
    const partitions = await partitionCount(this.producer, this.options);
    // Keyless records stick to one partition per request, as Kafka's sticky partitioner does.
    const keyless = this.sticky++ % partitions;
    const results: SendResult[] = [];
    let start = 0;
    while (start < records.length) {
      const bytes = new Map<number, number>();
      const messages: MessageToProduce[] = [];
      const chunk: number[] = [];
      for (let i = start; i < records.length; i++) {
        const record = records[i]!;
        const partition = record.key === undefined ? keyless : partitionForKey(record.key, partitions);
        const size = recordBytes(record) + 64;
        const used = bytes.get(partition) ?? 0;
        if (used > 0 && used + size > maxRecordBytes) break;
        bytes.set(partition, used + size);
        messages.push(toMessage(record, topic, partition));
        chunk.push(partition);
      }
      let sent: Awaited<ReturnType<Producer["send"]>>;
      try {
        sent = await this.producer.send({
          messages,
          acks: this.options.acks,
          compression: this.options.compression,
        });
      } catch (err) {
        this.sequencesInDoubt = true;
        throw err;
      }
      const next = new Map<number, number>();
      for (const o of sent.offsets ?? []) if (o.topic === topic) next.set(o.partition, Number(o.offset));
      for (const partition of chunk) {
        const offset = next.get(partition);
        // acks=0 gets no offsets back from the broker
        const id = offset === undefined ? "" : recordId(String(partition), String(offset));
        results.push({ id, partition: String(partition) });
        if (offset !== undefined) next.set(partition, offset + 1);
      }
      start += messages.length;
    }
    return results;
  }

  /**
   * Starts the idempotent producer afresh: a new producer id whose sequence
   * numbers begin at zero on every partition, which the broker accepts whatever
   * it wrote before. A producer that is not idempotent has nothing to renew.
   */
  private async renewProducerId(): Promise<void> {
    if (this.producer.producerId !== undefined) await this.producer.initIdempotentProducer({});
    this.sequencesInDoubt = false;
  }

  /** Waits for queued sends to finish (used by close). */
  async drain(): Promise<void> {
    while (this.inflight || this.pending.length > 0 || this.timer !== undefined) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
