import assert from "node:assert/strict";
import type { Check } from "./check.js";
import type { StreamContext } from "./stream-context.js";
import type { StreamClaims } from "./stream-harness.js";
import { rejectsWith } from "./assertions.js";
import {
  numberOf,
  plainHeaders,
  publishNumbered,
  range,
  receiveAtLeast,
  sortedNumbers,
  uniqueName,
} from "./stream-helpers.js";

/** Header values drivers get wrong: empty, padded, non-ASCII, long. */
const AWKWARD_HEADERS: Record<string, string> = {
  "x-empty": "",
  "x-padded": "  spaces around  ",
  "x-tab": "\tleading tab",
  "x-unicode": "żółć ✓ 日本語 🚀",
  "x-long": "v".repeat(1000),
  "content-type": "application/octet-stream",
};

/** The checks on what records carry and the order they arrive in. */
export function streamRecordChecks(claims: StreamClaims): Check<StreamContext>[] {
  const { headers, ordering, settlement } = claims.capabilities;
  return [
    {
      name: `round-trips binary payloads, unicode keys and event times${headers ? ", with exactly the headers sent" : ""}`,
      run: async (context) => {
        const { stream } = await context.fresh();
        const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
        const timestamp = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
        const sent = [
          { key: "card-1", value: bytes, headers: AWKWARD_HEADERS, timestamp },
          { key: "ключ-🔑-鍵 ", value: Uint8Array.of(0, 0xff, 0), headers: {}, timestamp: timestamp + 1 },
          { key: "k=v;x", value: Uint8Array.of(7), headers: { only: "one" }, timestamp: timestamp + 2 },
        ];
        await stream.publish(sent);
        const sub = await context.subscribe(stream, { group: uniqueName("g") });
        const got = await receiveAtLeast(sub, sent.length, context.wait);
        assert.equal(got.length, sent.length, "not every record arrived");
        // Only partition order keeps one send's records of different keys in send order (one partition
        // here); per-key order and no order do not, so there each record is found by its (unique) key.
        const inSendOrder = ordering === "partition";
        sent.forEach((s, i) => {
          const r = inSendOrder ? got[i]! : got.find((g) => g.key === s.key);
          assert.ok(r !== undefined, `record ${i}: no record with its key arrived`);
          assert.deepEqual(Array.from(r.value), Array.from(s.value), `record ${i}: payload`);
          assert.equal(r.key, s.key, `record ${i}: key`);
          assert.equal(r.timestamp, s.timestamp, `record ${i}: event time`);
          if (headers) assert.deepEqual(plainHeaders(r.headers), s.headers, `record ${i}: headers`);
        });
      },
    },
    {
      name: `keeps ${ordering === "none" ? "every record" : "per-key order"} across several keys and partitions, each record once`,
      run: async (context) => {
        const { stream } = await context.fresh(4);
        await publishNumbered(stream, 240, (i) => `key-${i % 8}`);
        const sub = await context.subscribe(stream, { group: uniqueName("g") });
        // Records settled one by one are acked as they are read, as a pipeline does: a queue with
        // per-key order may hold a key's next records until its earlier ones are acked.
        const seen = await receiveAtLeast(sub, 240, context.wait, { ack: settlement === "ack" });
        assert.deepEqual(sortedNumbers(seen), range(0, 240), "every record, once");
        if (ordering === "none") return;
        for (let k = 0; k < 8; k++) {
          const ofKey = seen.filter((s) => s.key === `key-${k}`).map(numberOf);
          assert.deepEqual(
            ofKey,
            [...ofKey].sort((a, b) => a - b),
            `records of key-${k} out of order`,
          );
        }
      },
    },
    {
      name: "gives every record an id unique within the stream",
      run: async (context) => {
        const { stream } = await context.fresh(3);
        const encoder = new TextEncoder();
        const results = await stream.publish(
          range(0, 60).map((i) => ({ key: `id-${i}`, value: encoder.encode(String(i)) })),
        );
        const sentIds = results.map((r) => r.id).filter((id) => id !== "");
        assert.equal(new Set(sentIds).size, sentIds.length, "send results repeat an id");
        const sub = await context.subscribe(stream, { group: uniqueName("g") });
        const seen = await receiveAtLeast(sub, 60, context.wait);
        assert.equal(seen.length, 60, "not every record arrived");
        assert.equal(new Set(seen.map((s) => s.id)).size, 60, "received records repeat an id");
      },
    },
    {
      name: "stops receiving while too much is unacknowledged, and resumes after acks (back-pressure)",
      run: async (context) => {
        const { stream } = await context.fresh();
        await publishNumbered(stream, 50);
        const sub = await context.subscribe(stream, { group: uniqueName("g"), maxBatch: 5, maxUnacked: 10 });
        const first = await receiveAtLeast(sub, 10, context.wait);
        assert.ok(first.length >= 10, "the first 10 records did not arrive");
        assert.equal((await receiveAtLeast(sub, 1, 500)).length, 0, "received past maxUnacked");
        sub.ack(first.map((s) => s.settle));
        assert.ok((await receiveAtLeast(sub, 1, context.wait)).length > 0, "did not resume after acks");
      },
    },
    {
      name: "the driver accepts a record of exactly maxRecordBytes, and refuses one byte more",
      run: async (context) => {
        const { driver } = await context.fresh();
        // Value + key + headers make the size; the key "k" is one byte.
        const largest = new Uint8Array(claims.capabilities.maxRecordBytes - 1).fill(7);
        const [sent] = await driver.send(
          [{ key: "k", value: largest, headers: {}, timestamp: Date.now() }],
          AbortSignal.timeout(context.wait),
        );
        assert.ok(sent !== undefined, "no send result for the largest record");
        const tooBig = new Uint8Array(claims.capabilities.maxRecordBytes);
        await rejectsWith(
          driver.send(
            [{ key: "k", value: tooBig, headers: {}, timestamp: Date.now() }],
            AbortSignal.timeout(context.wait),
          ),
          ["InvalidArgument", "ResourceExhausted"],
          (e) => driver.errorCode(e),
          context.wait,
        );
      },
    },
  ];
}
