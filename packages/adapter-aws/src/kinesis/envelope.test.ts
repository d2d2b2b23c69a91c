import { describe, expect, it } from "vitest";
import { unwrap, wrap } from "./envelope.js";

const payload = new TextEncoder().encode('{"id":1}');
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

describe("the Kinesis record envelope", () => {
  it("gives back the payload and event time of a record without headers", () => {
    const back = unwrap(wrap(payload, {}, 1_764_000_000_123), 5);
    expect(text(back.value)).toBe('{"id":1}');
    expect(back).toMatchObject({ headers: {}, timestamp: 1_764_000_000_123 });
  });

  it("gives back headers, and event times that are not plain integers", () => {
    for (const timestamp of [0, -5, 1.5]) {
      const back = unwrap(wrap(payload, { trace: "a\u00e9", "x-y": "" }, timestamp), 5);
      expect(back.headers).toEqual({ trace: "a\u00e9", "x-y": "" });
      expect(back.timestamp).toBe(timestamp);
      expect(text(back.value)).toBe('{"id":1}');
    }
  });

  it("gives each record headers of its own when many in a row carry the same, and sees when they change", () => {
    const first = unwrap(wrap(payload, { "content-type": "application/json" }, 1), 0);
    first.headers["content-type"] = "changed by a step";
    const second = unwrap(wrap(payload, { "content-type": "application/json" }, 2), 0);
    expect(second.headers).toEqual({ "content-type": "application/json" });
    const third = unwrap(wrap(payload, { "content-type": "application/avro" }, 3), 0);
    expect(third).toMatchObject({ headers: { "content-type": "application/avro" }, timestamp: 3 });
  });

  it("writes each record's own headers when they change from one record to the next", () => {
    const reused: Record<string, string> = { a: "1" };
    const sent = [reused, { a: "2" }, { b: "2" }, { a: "2", b: "2" }, {}, { a: "2" }];
    const back = sent.map((headers, i) => {
      const data = wrap(payload, headers, i);
      if (headers === reused) reused.a = "changed after sending";
      return unwrap(data, 0).headers;
    });
    expect(back).toEqual([{ a: "1" }, { a: "2" }, { b: "2" }, { a: "2", b: "2" }, {}, { a: "2" }]);
    const again = unwrap(wrap(payload, reused, 9), 0);
    expect(again.headers).toEqual({ a: "changed after sending" });
  });

  it("reads data without the envelope, or with a broken one, as a bare payload at its arrival time", () => {
    const enveloped = wrap(payload, {}, 7);
    const truncated = enveloped.subarray(0, 12);
    const notJson = Uint8Array.from(enveloped);
    notJson[9] = 0x7b; // {"{":… is not the envelope's JSON
    const wrongType = Buffer.concat([enveloped.subarray(0, 8), Buffer.from('{"t":"7","h":{}}')]);
    wrongType.writeUInt32BE(16, 4);
    for (const data of [payload, truncated, notJson, wrongType]) {
      const back = unwrap(data, 42);
      expect(back).toEqual({ value: data, headers: {}, timestamp: 42 });
    }
  });
});
