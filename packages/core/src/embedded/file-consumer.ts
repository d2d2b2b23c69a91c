import { open } from "node:fs/promises";
import { SwitchyardError } from "../errors.js";
import type { IncomingRecord, Position } from "../driver/record.js";
import type { ConsumerDriver, ConsumerOptions, StartPosition } from "../driver/stream.js";
import { sleep } from "../retry.js";
import { recordOfLine } from "./file-lines.js";

/** How often a consumer at the end of its file looks for new lines, in ms. */
const POLL_MS = 100;
/** Most bytes read per look; a longer line is refused (an envelope of a 1 MiB record is about 1.4 MiB). */
const READ_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/** A consumer group of one file in this process: who reads the file's one partition, and where it stands. */
interface FileGroup {
  owner: FileConsumer | undefined;
  /** Next byte to read, once the group committed. */
  committed: number | undefined;
}

const groups = new Map<string, FileGroup>();

/** The process-wide group `name` of the file at `path`. */
export function fileGroup(path: string, name: string): FileGroup {
  const key = `${path}\0${name}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = { owner: undefined, committed: undefined };
    groups.set(key, group);
  }
  return group;
}

/**
 * A consumer of a `file:` stream. The first member of a group reads the file's
 * one partition; the others wait and take over, from the group's committed
 * position, when it closes. At the end of the file it looks for new lines
 * every 100 ms. A last line without its newline is taken once the file has
 * stopped growing for one look, so a hand-written file needs no final newline.
 */
export class FileConsumer implements ConsumerDriver {
  private next = 0;
  private reading = false;
  private closed = false;
  private unterminatedAt: number | undefined;

  constructor(
    private readonly path: string,
    private readonly group: FileGroup,
    private readonly options: ConsumerOptions,
    private readonly onClose: () => void,
  ) {}

  /** Joins the group: reads the partition if nobody else does. */
  async start(): Promise<void> {
    await this.claim();
  }

  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    while (!this.closed && !signal.aborted) {
      if (this.reading || (await this.claim())) {
        const records = await this.read(max);
        if (records.length > 0) return records;
      }
      try {
        await sleep(POLL_MS, signal);
      } catch {
        return [];
      }
    }
    return [];
  }

  async commit(positions: Position[]): Promise<void> {
    if (!this.reading) return;
    for (const position of positions) {
      if (position.partition === "0") this.group.committed = endOf(position.offset);
    }
  }

  /** Lines after this consumer's position, when it reads the partition. */
  async lag(): Promise<Record<string, number>> {
    if (!this.reading) return {};
    const bytes = await this.bytesFrom(this.next, Number.MAX_SAFE_INTEGER);
    let lines = 0;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === NEWLINE) {
        if (bytes.subarray(start, i).some((b) => b > 0x20)) lines++;
        start = i + 1;
      }
    }
    return { "0": lines };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.group.owner === this) this.group.owner = undefined;
    this.reading = false;
    this.onClose();
  }

  private async claim(): Promise<boolean> {
    if (this.group.owner !== undefined && this.group.owner !== this) return false;
    this.group.owner = this;
    this.next = this.group.committed ?? (await this.startOffset(this.options.start));
    this.reading = true;
    return true;
  }

  private async startOffset(start: StartPosition): Promise<number> {
    if (start === "earliest") return 0;
    if (start === "latest") return (await this.bytesFrom(0, 0, true)).length;
    if ("offsets" in start) {
      const offset = Number((start.offsets["0"] ?? "0").split(":")[0]);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new SwitchyardError(
          "InvalidArgument",
          `file stream ${this.path}: offset "${start.offsets["0"]}" is not a byte offset`,
        );
      }
      return offset;
    }
    throw new SwitchyardError("Unimplemented", `file stream ${this.path}: cannot start from a timestamp`);
  }

  private async read(max: number): Promise<IncomingRecord[]> {
    const base = this.next;
    const bytes = await this.bytesFrom(base, READ_BYTES);
    const records: IncomingRecord[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length && records.length < max; i++) {
      if (bytes[i] !== NEWLINE) continue;
      take(bytes.subarray(start, i), base + start, base + i + 1, records);
      start = i + 1;
    }
    let consumed = start;
    const rest = bytes.length - start;
    if (records.length < max && rest > 0) {
      if (rest >= READ_BYTES) {
        throw new SwitchyardError(
          "InvalidArgument",
          `file stream ${this.path}: the line at byte ${base + start} is longer than ${READ_BYTES} bytes`,
        );
      }
      // The file's last line has no newline (yet): take it once the file stopped growing for one look.
      const end = base + bytes.length;
      if (this.unterminatedAt === end) {
        take(bytes.subarray(start), base + start, end, records);
        consumed = bytes.length;
        this.unterminatedAt = undefined;
      } else {
        this.unterminatedAt = end;
      }
    }
    this.next = base + consumed;
    return records;
  }

  /** Up to `max` bytes of the file from `from`; a missing file reads as empty. `all` reads to the end. */
  private async bytesFrom(from: number, max: number, all = false): Promise<Uint8Array> {
    const handle = await open(this.path, "r").catch((err: unknown) => {
      if ((err as { code?: unknown }).code === "ENOENT") return undefined;
      throw err;
    });
    if (handle === undefined) return new Uint8Array(0);
    try {
      const { size } = await handle.stat();
      const length = all ? size : Math.max(0, Math.min(max, size - from));
      const buffer = new Uint8Array(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(buffer, read, length - read, (all ? 0 : from) + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return buffer.subarray(0, read);
    } finally {
      await handle.close();
    }
  }
}

/** Adds a line as a record unless it is blank; `after` is the byte after it, where reading goes on. */
function take(bytes: Uint8Array, at: number, after: number, out: IncomingRecord[]): void {
  const line = trimLine(bytes);
  if (line.length === 0) return;
  const record = recordOfLine(line.slice());
  out.push({
    key: record.key,
    value: record.value,
    headers: record.headers,
    // A bare line carries no time: it happens when it is read.
    timestamp: record.timestamp ?? Date.now(),
    id: String(at),
    // "<where the line starts>:<where the next one does>": a start at this record, a commit after it.
    position: { partition: "0", offset: `${at}:${after}` },
  });
}

/** The next byte to read after the record at `offset`. */
function endOf(offset: string): number {
  return Number(offset.split(":")[1] ?? offset);
}

/** The line without a trailing carriage return (files written on Windows) or surrounding blanks. */
function trimLine(line: Uint8Array): Uint8Array {
  let start = 0;
  let end = line.length;
  while (start < end && isBlank(line[start]!)) start++;
  while (end > start && isBlank(line[end - 1]!)) end--;
  return line.subarray(start, end);
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d;
}
