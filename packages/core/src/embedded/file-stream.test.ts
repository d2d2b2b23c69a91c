import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { raw } from "../codec/raw.js";
import { SchemeRegistry } from "../config/scheme-registry.js";
import type { StreamDriver } from "../driver/index.js";
import type { StartPosition } from "../driver/stream.js";
import { Stream } from "../resources/stream.js";
import { fileStream } from "./file-stream.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-file-stream-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

interface Read {
  value: string;
  key: string | undefined;
  headers: Record<string, string>;
  timestamp: number;
  id: string;
}

/** Reads from a new group until `count` records came (or 5 s passed), acknowledging them. */
async function read(
  driver: StreamDriver,
  count: number,
  start: StartPosition = "earliest",
  group = `g-${Math.random()}`,
): Promise<Read[]> {
  const sub = await new Stream(driver, { name: "s", codec: raw() }).subscribe({
    group,
    start,
    commitIntervalMs: 20,
  });
  const out: Read[] = [];
  const deadline = Date.now() + 5000;
  while (out.length < count && Date.now() < deadline) {
    const batch = await sub.receive(AbortSignal.timeout(500));
    if (batch === undefined) continue;
    for (const r of batch.records)
      out.push({ value: text(r.value), key: r.key, headers: r.headers, timestamp: r.timestamp, id: r.id });
    sub.ack(batch.records);
  }
  await sub.close();
  return out;
}

describe("file: streams", () => {
  it("reads a hand-written file line by line, skipping blank lines, taking a last line without newline", async () => {
    const path = join(dir, "events.ndjson");
    await writeFile(path, '{"n":1}\r\n\n  \n{"n":2}\n{"n":3}');
    const records = await read(fileStream(path), 3);
    expect(records.map((r) => r.value)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(records.map((r) => r.id)).toEqual(["0", "13", "21"]);
  });

  it("follows lines appended while it reads, as tail -f does", async () => {
    const path = join(dir, "events.ndjson");
    const driver = fileStream(path);
    const reading = read(driver, 3);
    await new Promise((r) => setTimeout(r, 300));
    await appendFile(path, '{"n":1}\n{"n":2}\n');
    await new Promise((r) => setTimeout(r, 300));
    await appendFile(path, '{"n":3}\n');
    expect((await reading).map((r) => r.value)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it("appends values as plain lines, and keeps the key, headers, time and binary bytes of the others", async () => {
    const path = join(dir, "out.ndjson");
    await writeFile(path, '{"hand":"written"}'); // no final newline: send adds one first
    const driver = fileStream(path);
    const binary = Uint8Array.from([0, 10, 255, 13]);
    const sent = await driver.send(
      [
        {
          key: "k0",
          value: bytes('{"plain":true}'),
          headers: { "content-type": "application/json" },
          timestamp: 5,
        },
        {
          key: "card-1",
          value: bytes('{"keyed":true}'),
          headers: { "x-error-message": "bad" },
          timestamp: 1_700_000_000_000,
        },
        { key: undefined, value: binary, headers: {}, timestamp: 7 },
      ],
      AbortSignal.timeout(1000),
    );
    const lines = (await readFile(path, "utf8")).split("\n");
    expect(lines[0]).toBe('{"hand":"written"}');
    expect(lines[1]).toBe('{"plain":true}');
    expect(lines[2]).toMatch(/^\{"~switchyard":/);
    const records = await read(driver, 4);
    expect(records.map((r) => r.id)).toEqual(["0", ...sent.map((s) => s.id)]);
    expect(records[2]).toMatchObject({
      key: "card-1",
      value: '{"keyed":true}',
      headers: { "x-error-message": "bad" },
      timestamp: 1_700_000_000_000,
    });
    expect([...bytes(records[3]!.value)]).not.toEqual([...binary]); // not text: compare the raw bytes instead
    const sub = await new Stream(driver, { name: "s", codec: raw() }).subscribe({
      group: "bin",
      start: { offsets: { "0": sent[2]!.id } },
    });
    const batch = await sub.receive(AbortSignal.timeout(2000));
    expect([...batch!.records[0]!.value]).toEqual([...binary]);
    await sub.close();
  });

  it("starts a new group at the earliest or latest line, or at a record's id", async () => {
    const path = join(dir, "events.ndjson");
    await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3}\n');
    const driver = fileStream(path);
    expect((await read(driver, 2, { offsets: { "0": "8" } })).map((r) => r.value)).toEqual([
      '{"n":2}',
      '{"n":3}',
    ]);
    const latest = read(driver, 1, "latest");
    await new Promise((r) => setTimeout(r, 300));
    await appendFile(path, '{"n":4}\n');
    expect((await latest).map((r) => r.value)).toEqual(['{"n":4}']);
    await expect(
      driver.openConsumer({ group: "t", consumerName: "c", start: { timestamp: 1 } }),
    ).rejects.toMatchObject({ code: "Unimplemented" });
  });

  it("resumes a group after its committed record, and a second member takes over when the first closes", async () => {
    const path = join(dir, "events.ndjson");
    await writeFile(path, '{"n":1}\n{"n":2}\n');
    const driver = fileStream(path);
    expect((await read(driver, 2, "earliest", "resume")).map((r) => r.value)).toEqual(['{"n":1}', '{"n":2}']);
    await appendFile(path, '{"n":3}\n');
    expect((await read(driver, 1, "earliest", "resume")).map((r) => r.value)).toEqual(['{"n":3}']);

    const options = { group: "pair", start: "earliest" as const };
    const first = await driver.openConsumer({ ...options, consumerName: "a" });
    const second = await driver.openConsumer({ ...options, consumerName: "b" });
    const [got] = await first.receive(1, AbortSignal.timeout(1000));
    expect(text(got!.value)).toBe('{"n":1}');
    await first.commit([got!.position]);
    expect(await second.receive(10, AbortSignal.timeout(300))).toEqual([]);
    await first.close();
    expect((await second.receive(10, AbortSignal.timeout(1000))).map((r) => text(r.value))).toEqual([
      '{"n":2}',
      '{"n":3}',
    ]);
    await second.close();
  });

  it("is a stream scheme of the built-in registry, file://name being a relative path", async () => {
    await writeFile(join(dir, "events.ndjson"), '{"n":1}\n');
    const registry = new SchemeRegistry();
    for (const url of [
      "file://events.ndjson",
      "file:events.ndjson",
      "file:./events.ndjson",
      pathToFileURL(join(dir, "events.ndjson")).href,
    ]) {
      const driver = await registry.open("stream", "events", url, { baseDir: dir });
      expect((await read(driver, 1)).map((r) => r.value)).toEqual(['{"n":1}']);
      await driver.close();
    }
  });

  it("refuses a record over maxRecordBytes", async () => {
    const driver = fileStream(join(dir, "big.ndjson"));
    const big = new Uint8Array(driver.capabilities.maxRecordBytes + 1).fill(0x61);
    await expect(
      driver.send([{ key: undefined, value: big, headers: {}, timestamp: 0 }], AbortSignal.timeout(1000)),
    ).rejects.toMatchObject({ code: "InvalidArgument" });
  });
});
