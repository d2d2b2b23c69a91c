import { Stream, SwitchyardError, ERROR_CODES, raw } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";
import { afterEach, describe, expect, it } from "vitest";
import { numberOf, publishNumbered, receiveAtLeast, uniqueName } from "./stream-helpers.js";
import type { StreamHarness, StreamUnderTest } from "./stream-harness.js";

/**
 * Registers the stream conformance tests for an adapter: declared capabilities
 * hold and undeclared ones are refused; binary payloads, keys and headers
 * round-trip; per-key order; at-least-once under handler failure; contiguous
 * checkpoints with out-of-order completion; resume at the first unacknowledged
 * record after a restart; back-pressure; error codes; the `as()` escape hatch.
 */
export function runStreamConformance(harness: StreamHarness): void {
  const timeout = harness.timeoutMs ?? 30_000;
  const wait = Math.min(timeout / 2, 15_000);

  describe(`stream conformance: ${harness.name}`, { timeout }, () => {
    const opened: StreamDriver[] = [];
    const created: StreamUnderTest[] = [];

    async function fresh(partitions = 1) {
      const sut = await harness.create({ partitions });
      created.push(sut);
      const open = async () => {
        const driver = await sut.open();
        opened.push(driver);
        return new Stream<Uint8Array>(driver, { name: "conformance", codec: raw() });
      };
      return { open, stream: await open() };
    }

    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((d) => d.close()));
      await Promise.allSettled(created.splice(0).map(async (s) => s.cleanup?.()));
    });

    it("declares coherent capabilities", async () => {
      const { stream } = await fresh();
      const c = stream.capabilities;
      expect(c.maxRecordBytes).toBeGreaterThan(0);
      expect(c.maxBatchRecords).toBeGreaterThan(0);
      expect(["partition", "key", "none"]).toContain(c.ordering);
      expect(["offset", "ack"]).toContain(c.settlement);
    });

    it("round-trips binary payloads, keys, headers and event times", async () => {
      const { stream } = await fresh();
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const timestamp = Date.UTC(2026, 0, 2, 3, 4, 5);
      await stream.publish([
        { key: "card-1", value: bytes, headers: { "x-a": "1", "x-b": "two" }, timestamp },
      ]);
      const sub = await stream.subscribe({ group: uniqueName("g") });
      const [got] = await receiveAtLeast(sub, 1, wait);
      expect(got).toBeDefined();
      expect(Buffer.from(got!.value).equals(Buffer.from(bytes))).toBe(true);
      expect(got!.key).toBe("card-1");
      expect(got!.timestamp).toBe(timestamp);
      if (stream.capabilities.headers) expect(got!.headers).toMatchObject({ "x-a": "1", "x-b": "two" });
      await sub.close();
    });

    it("keeps the order of records with the same key", async () => {
      const { stream } = await fresh(3);
      await publishNumbered(stream, 300, (i) => `key-${i % 5}`);
      const sub = await stream.subscribe({ group: uniqueName("g") });
      const seen = await receiveAtLeast(sub, 300, wait);
      expect(seen).toHaveLength(300);
      for (let k = 0; k < 5; k++) {
        const ofKey = seen.filter((s) => s.key === `key-${k}`).map(numberOf);
        expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
      }
      await sub.close();
    });

    it("redelivers a record whose handler failed (at-least-once)", async () => {
      const { stream, open } = await fresh();
      await publishNumbered(stream, 10);
      const group = uniqueName("g");
      const sub = await stream.subscribe({ group, consumerName: "c1" });
      const seen = await receiveAtLeast(sub, 10, wait);
      sub.ack(seen.filter((s) => numberOf(s) !== 4).map((s) => s.settle));
      await sub.close();
      const again = await (await open()).subscribe({ group, consumerName: "c1" });
      const redelivered = (await receiveAtLeast(again, 1, wait)).map(numberOf);
      expect(redelivered).toContain(4);
      await again.close();
    });

    it("commits only contiguous work and resumes at the first unacknowledged record", async () => {
      const { stream, open } = await fresh();
      await publishNumbered(stream, 10);
      const group = uniqueName("g");
      const sub = await stream.subscribe({ group, consumerName: "c1" });
      const seen = await receiveAtLeast(sub, 10, wait);
      // Later records finish first; 3 and 4 never finish.
      sub.ack(seen.filter((s) => numberOf(s) >= 5).map((s) => s.settle));
      sub.ack(seen.filter((s) => numberOf(s) < 3).map((s) => s.settle));
      await sub.commit();
      await sub.close();
      const again = await (await open()).subscribe({ group, consumerName: "c1" });
      const redelivered = (await receiveAtLeast(again, 2, wait)).map(numberOf);
      expect(redelivered[0]).toBe(3);
      expect(redelivered).toContain(4);
      expect(redelivered).not.toContain(0);
      await again.close();
    });

    it("resumes after a restart without redelivering committed records", async () => {
      const { stream, open } = await fresh();
      await publishNumbered(stream, 20);
      const group = uniqueName("g");
      const sub = await stream.subscribe({ group, consumerName: "c1" });
      const seen = await receiveAtLeast(sub, 20, wait);
      sub.ack(seen.filter((s) => numberOf(s) < 12).map((s) => s.settle));
      await sub.close();
      const again = await (await open()).subscribe({ group, consumerName: "c1" });
      const rest = (await receiveAtLeast(again, 8, wait)).map(numberOf).sort((a, b) => a - b);
      expect(rest).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
      await again.close();
    });

    it("stops receiving while too much is unacknowledged, and resumes after acks (back-pressure)", async () => {
      const { stream } = await fresh();
      await publishNumbered(stream, 50);
      const sub = await stream.subscribe({ group: uniqueName("g"), maxBatch: 5, maxUnacked: 10 });
      const first = await receiveAtLeast(sub, 10, wait);
      expect(first.length).toBeGreaterThanOrEqual(10);
      const stalled = await receiveAtLeast(sub, 1, 500);
      expect(stalled).toHaveLength(0);
      sub.ack(first.map((s) => s.settle));
      const resumed = await receiveAtLeast(sub, 1, wait);
      expect(resumed.length).toBeGreaterThan(0);
      await sub.close();
    });

    it("refuses records over the declared size limit with InvalidArgument", async () => {
      const { stream } = await fresh();
      const tooBig = new Uint8Array(stream.capabilities.maxRecordBytes + 1);
      await expect(stream.publish([{ value: tooBig }])).rejects.toMatchObject({ code: "InvalidArgument" });
    });

    it("starts from a timestamp when declared, and refuses it otherwise", async () => {
      const { stream } = await fresh();
      if (!stream.capabilities.startFromTimestamp) {
        expect(() => stream.require({ startFromTimestamp: true })).toThrow(SwitchyardError);
        return;
      }
      // Event time and arrival time agree here, so streams that seek by either pass.
      const encoder = new TextEncoder();
      await stream.publish([0, 1, 2].map((i) => ({ key: "k", value: encoder.encode(String(i)) })));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const base = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await stream.publish([3, 4].map((i) => ({ key: "k", value: encoder.encode(String(i)) })));
      const sub = await stream.subscribe({ group: uniqueName("g"), start: { timestamp: base } });
      const seen = (await receiveAtLeast(sub, 2, wait)).map(numberOf);
      expect(seen).toEqual([3, 4]);
      await sub.close();
    });

    it("classifies errors into portable codes and exposes the client only through as()", async () => {
      const { stream } = await fresh();
      class Unrelated {}
      expect(stream.as(Unrelated)).toBeUndefined();
      const driver = opened[opened.length - 1]!;
      expect(ERROR_CODES).toContain(driver.errorCode(new Error("something odd")));
    });
  });
}
