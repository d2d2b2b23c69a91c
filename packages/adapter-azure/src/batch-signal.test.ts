import { describe, expect, it } from "vitest";
import { inBatch } from "./batch-signal.js";

describe("inBatch", () => {
  it("gives a batch a signal of its own, without a listener limit, that aborts with the caller's", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    const caller = new AbortController();
    const seen = await inBatch(caller.signal, 20, async (batch) => {
      // Twenty listeners, as twenty concurrent SDK calls add, and no warning of a leak.
      for (let i = 0; i < 20; i++) batch.addEventListener("abort", () => undefined);
      return batch;
    });
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    expect(seen).not.toBe(caller.signal);
    let batchSignal: AbortSignal | undefined;
    const running = inBatch(caller.signal, 2, (batch) => {
      batchSignal = batch;
      return new Promise((resolve) => batch.addEventListener("abort", () => resolve(batch.reason)));
    });
    caller.abort(new Error("stop"));
    await expect(running).resolves.toEqual(new Error("stop"));
    expect(batchSignal?.aborted).toBe(true);
  });

  it("gives a batch of one call the caller's signal as it is", async () => {
    const caller = new AbortController();
    expect(await inBatch(caller.signal, 1, async (batch) => batch)).toBe(caller.signal);
  });
});
