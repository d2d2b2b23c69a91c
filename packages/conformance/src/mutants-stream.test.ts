import { describe, expect, it } from "vitest";
import { streamSuite } from "./stream.js";
import { failures, firstFailure } from "./mutants/catch.js";
import { anySuite } from "./mutants/mutant.js";
import { STREAM_MUTANTS, memoryStreamHarness } from "./mutants/stream-mutants.js";
import { keyOrdered, mixesKeys } from "./mutants/stream-order.js";

// Each mutant is the embedded memory:// stream with one defect; the kit must fail it.
describe("the stream kit catches broken drivers", { timeout: 60_000 }, () => {
  it("passes the unbroken wrapper (the control)", async () => {
    const failed = await failures(anySuite(streamSuite(memoryStreamHarness(() => ({})))));
    expect(failed.map((f) => `${f.name}: ${String(f.error)}`)).toEqual([]);
  });

  it("passes a driver that declares per-key order and mixes the order of different keys (the control)", async () => {
    const harness = memoryStreamHarness(keyOrdered(mixesKeys), { ordering: "key" });
    const failed = await failures(anySuite(streamSuite(harness)));
    expect(failed.map((f) => `${f.name}: ${String(f.error)}`)).toEqual([]);
  });

  for (const mutant of STREAM_MUTANTS) {
    it(`fails a driver that ${mutant.name.replace(/^stream: /, "")}`, async () => {
      expect(await firstFailure(mutant.suite())).toBeDefined();
    });
  }
});
