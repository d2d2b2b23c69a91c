import { afterEach, describe, expect, it } from "vitest";
import { avro } from "../codec/avro.js";
import { raw } from "../codec/raw.js";
import type { IncomingRecord, StreamDriver } from "../driver/index.js";
import { resetMemoryStreams } from "../embedded/memory-log.js";
import { memoryStream } from "../embedded/memory-stream.js";
import { SwitchyardError } from "../errors.js";
import { Stream } from "../resources/stream.js";
import { pipeline } from "./builder.js";
import { MAX_ERROR_FIELD_BYTES, MAX_ERROR_MESSAGE_BYTES, deadLetterRecord } from "./dead-letter.js";
import { run } from "./run.js";

const incoming: IncomingRecord = {
  key: "k",
  value: Uint8Array.from([1, 2, 3]),
  headers: { "content-type": "application/avro", trace: "t-1" },
  timestamp: 1_700_000_000_000,
  id: "r-1",
  position: { partition: "0", offset: "41" },
};

function headersFor(error: unknown, stage = "map#0"): Record<string, string> {
  return deadLetterRecord(incoming, "tx", "fraud", { error, stage, attempts: 3 }).headers;
}

describe("deadLetterRecord", () => {
  it("keeps the original bytes, key, time and headers", () => {
    const record = deadLetterRecord(incoming, "tx", "fraud", {
      error: new Error("boom"),
      stage: "decode",
      attempts: 1,
    });
    expect(record.value).toBe(incoming.value);
    expect(record).toMatchObject({ key: "k", timestamp: incoming.timestamp });
    expect(record.headers).toMatchObject({ trace: "t-1", "x-error-message": "boom", "x-error-offset": "41" });
  });

  it(`cuts a 1 MB error message to ${MAX_ERROR_MESSAGE_BYTES} bytes, saying how long it was`, () => {
    const message = `start ${"x".repeat(1_048_576 - 6)}`;
    const header = headersFor(new Error(message))["x-error-message"]!;
    expect(Buffer.byteLength(header)).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    expect(Buffer.byteLength(header)).toBeGreaterThan(MAX_ERROR_MESSAGE_BYTES - 8);
    expect(header.startsWith("start xxx")).toBe(true);
    expect(header.endsWith("[cut: 1048576 bytes in all]")).toBe(true);
  });

  it("counts bytes, not characters, and never splits a character", () => {
    const header = headersFor(new Error("😀".repeat(500_000)))["x-error-message"]!;
    expect(Buffer.byteLength(header)).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    expect(Buffer.from(header).toString()).toBe(header);
    expect(header).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/u);
    expect(header).toMatch(/^(😀)+… \[cut: 2000000 bytes in all\]$/u);
  });

  it("bounds the other x-error-* headers too", () => {
    const headers = headersFor(new Error("e"), `map#${"9".repeat(10_000)}`);
    expect(Buffer.byteLength(headers["x-error-stage"]!)).toBeLessThanOrEqual(MAX_ERROR_FIELD_BYTES);
  });

  it("masks credentials in URLs and secret-named pairs of the message", () => {
    const message =
      "connect redis://app:s3cr3t-pw@cache:6379/0 failed (url=kafka://tok3n-user@b:9092/tx); " +
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=Zm9vYmFy==; " +
      "https://acct.blob.core.windows.net/c?sv=2020&sig=c2lnbmF0dXJl&se=1 password=hunter2 partitionKey=p-1";
    const header = headersFor(new SwitchyardError("Unavailable", message))["x-error-message"]!;
    for (const secret of ["s3cr3t-pw", "tok3n-user", "Zm9vYmFy", "c2lnbmF0dXJl", "hunter2"]) {
      expect(header).not.toContain(secret);
    }
    expect(header).toContain("redis://app:***@cache:6379/0");
    expect(header).toContain("SharedAccessKey=***");
    expect(header).toContain("sig=***&se=1");
    expect(header).toContain("partitionKey=p-1");
  });
});

describe("hostile records in a running pipeline", () => {
  afterEach(() => resetMemoryStreams());

  it("sends each to the dead-letter stream with its original bytes, and keeps processing", async () => {
    const schema = {
      type: "record",
      name: "Tx",
      fields: [
        { name: "id", type: "string" },
        { name: "items", type: { type: "array", items: "int" } },
      ],
    };
    const codec = avro<{ id: string; items: number[] }>(schema);
    const hostile = [
      Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x08]), // a string length of 2^30
      Uint8Array.from([0x02, 0x41, 0x80, 0x80, 0x80, 0x80, 0x08]), // an array block of 2^30 items
      Uint8Array.from([0x02, 0x41, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // an over-long varint
      codec.encode({ id: "cut", items: [1, 2, 3] }).subarray(0, 4), // truncated
      Uint8Array.from([]),
    ];
    const valid = [codec.encode({ id: "a", items: [1] }), codec.encode({ id: "b", items: [] })];
    const tx = memoryStream("hostile-tx", { partitions: 2 });
    const out = memoryStream("hostile-out");
    const dlq = memoryStream("hostile-dlq");
    const all = [valid[0]!, ...hostile, valid[1]!];
    await tx.send(
      all.map((value, i) => ({ key: `k${i}`, value, headers: {}, timestamp: Date.now() })),
      AbortSignal.timeout(5000),
    );
    const streams: Record<string, StreamDriver> = { tx, out, "dead-letters": dlq };
    const resolver = {
      open: async (_kind: string, name: string) => streams[name] as never,
      names: (kind: string) => (kind === "stream" ? Object.keys(streams) : []),
    };
    const p = pipeline("hostile").from("tx", { codec, group: "g" }).to("out", { codec });
    const running = run(p, { resolver });
    const end = Date.now() + 10_000;
    while (running.stats().processed < all.length && Date.now() < end)
      await new Promise((r) => setTimeout(r, 10));
    const summary = await running.stop();
    expect(summary.deadLetters).toBe(hostile.length);

    const dead = await readAll(dlq);
    const deadBytes = dead.map((r) => Buffer.from(r.value).toString("hex")).sort();
    expect(deadBytes).toEqual(hostile.map((b) => Buffer.from(b).toString("hex")).sort());
    for (const r of dead) {
      expect(r.headers).toMatchObject({ "x-error-code": "InvalidArgument", "x-error-stage": "decode" });
    }
    expect((await readAll(out)).map((r) => codec.decode(r.value).id).sort()).toEqual(["a", "b"]);
  });
});

/** Every record in `driver`, as stored: the bytes and headers a consumer of the stream would see. */
async function readAll(
  driver: StreamDriver,
): Promise<{ value: Uint8Array; headers: Record<string, string> }[]> {
  const sub = await new Stream<Uint8Array>(driver, { name: "read", codec: raw() }).subscribe({
    group: `reader-${Math.random()}`,
  });
  const records: { value: Uint8Array; headers: Record<string, string> }[] = [];
  for (;;) {
    const batch = await sub.receive(AbortSignal.timeout(300));
    if (batch === undefined) break;
    for (const r of batch.records) records.push({ value: r.value, headers: r.headers });
  }
  await sub.close();
  return records;
}
