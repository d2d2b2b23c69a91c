import type { Headers, IncomingRecord } from "../driver/record.js";

/** Compact the columns once this many dropped records sit at their front. */
const COMPACT_AFTER = 4096;

/** Shared by every stored record sent without headers, so none keeps its own empty object alive. */
const NO_HEADERS: Headers = Object.freeze({});

/**
 * One partition of a `memory://` stream: an append-only log with numeric
 * offsets, trimmed from the front to `retention` records.
 *
 * Records are kept in columns (payloads as ranges of per-batch slabs) rather
 * than as one object per record: a long log then holds few objects for the
 * garbage collector to trace, and the record objects consumers receive are
 * built on read and die young.
 */
export class MemoryPartition {
  /** The partition id consumers see (`"0"`, `"1"`, …). */
  readonly id: string;
  private readonly retention: number;
  private keys: (string | undefined)[] = [];
  private headers: Headers[] = [];
  private timestamps: number[] = [];
  private slabs: Uint8Array[] = [];
  private starts: number[] = [];
  private ends: number[] = [];
  /** Offset of the first element of each column. */
  private base = 0;
  /** Index in the columns of the earliest record still retained. */
  private head = 0;

  constructor(index: number, retention: number) {
    this.id = String(index);
    this.retention = retention;
  }

  /** Offset of the earliest record still kept. */
  get earliest(): number {
    return this.base + this.head;
  }

  /** Offset the next appended record will get (the log end). */
  get next(): number {
    return this.base + this.keys.length;
  }

  /** Appends one record whose payload is `slab[start, end)`; returns its offset. */
  append(
    key: string | undefined,
    slab: Uint8Array,
    start: number,
    end: number,
    headers: Headers,
    timestamp: number,
  ): number {
    const offset = this.next;
    this.keys.push(key);
    this.headers.push(isEmpty(headers) ? NO_HEADERS : headers);
    this.timestamps.push(timestamp);
    this.slabs.push(slab);
    this.starts.push(start);
    this.ends.push(end);
    if (this.keys.length - this.head > this.retention) this.trim();
    return offset;
  }

  /** Up to `max` records from offset `from` (clamped to what is kept), in offset order. */
  read(from: number, max: number): IncomingRecord[] {
    const first = Math.max(from, this.earliest) - this.base;
    const last = Math.min(this.keys.length, first + max);
    const out = new Array<IncomingRecord>(Math.max(0, last - first));
    for (let i = first; i < last; i++) {
      const offset = String(this.base + i);
      out[i - first] = {
        key: this.keys[i],
        value: this.slabs[i]!.subarray(this.starts[i], this.ends[i]),
        headers: this.headers[i]!,
        timestamp: this.timestamps[i]!,
        id: `${this.id}:${offset}`,
        position: { partition: this.id, offset },
      };
    }
    return out;
  }

  /** The offset of the first kept record whose timestamp is at or after `timestamp`; the log end if none. */
  offsetForTimestamp(timestamp: number): number {
    // Event times need not increase along the log, so this scans instead of bisecting.
    for (let i = this.head; i < this.timestamps.length; i++) {
      if (this.timestamps[i]! >= timestamp) return this.base + i;
    }
    return this.next;
  }

  private trim(): void {
    this.head = this.keys.length - this.retention;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.keys.length) {
      const head = this.head;
      this.keys = this.keys.slice(head);
      this.headers = this.headers.slice(head);
      this.timestamps = this.timestamps.slice(head);
      this.slabs = this.slabs.slice(head);
      this.starts = this.starts.slice(head);
      this.ends = this.ends.slice(head);
      this.base += head;
      this.head = 0;
    }
  }
}

function isEmpty(headers: Headers): boolean {
  for (const _ in headers) return false;
  return true;
}
