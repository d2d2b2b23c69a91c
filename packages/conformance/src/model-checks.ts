import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { openMissing, rejectsWith } from "./assertions.js";
import type { Check } from "./check.js";
import type { ModelHarness } from "./harness.js";
import type { ModelContext } from "./model-context.js";
import { CALL_TIMEOUT_MS, cycle } from "./model-context.js";

/** The checks on what a model answers: one output per input, in order, at any batch size. */
export function modelChecks(harness: ModelHarness): Check<ModelContext>[] {
  const same = (a: unknown, b: unknown) => (harness.same ? harness.same(a, b) : isDeepStrictEqual(a, b));
  const expectSame = (actual: unknown[], expected: unknown[]) => {
    assert.equal(actual.length, expected.length, "one output per input");
    actual.forEach((a, i) =>
      assert.ok(same(a, expected[i]), `output ${i}: ${String(a)} instead of ${String(expected[i])}`),
    );
  };
  return [
    {
      name: "declares a usable maxBatch, and the harness gives distinguishable inputs",
      run: async ({ driver, singles }) => {
        assert.ok(Number.isInteger(driver.capabilities.maxBatch) && driver.capabilities.maxBatch >= 1);
        assert.ok(harness.inputs.length >= 2, "the harness needs at least two inputs");
        const [a, b] = await singles(harness.inputs.slice(0, 2));
        assert.ok(!same(a, b), "the first two inputs must give different outputs");
      },
    },
    {
      name: "returns one output per input, in input order",
      run: async ({ model, singles }) => {
        const expected = await singles(harness.inputs);
        const result = await model.predictBatch([...harness.inputs].reverse());
        assert.equal(result.fallback, false);
        expectSame(result.outputs, [...expected].reverse());
      },
    },
    {
      name: "gives the same output for the same input",
      run: async ({ singles }) => {
        const [first, again] = await singles([harness.inputs[0], harness.inputs[0]]);
        assert.ok(same(first, again));
      },
    },
    {
      name: "the driver takes a batch of exactly maxBatch inputs, answering each",
      run: async ({ driver, singles }) => {
        const n = Math.min(driver.capabilities.maxBatch, 10_000);
        const inputs = cycle(harness.inputs, n);
        const outputs = await driver.predict(inputs, AbortSignal.timeout(CALL_TIMEOUT_MS));
        expectSame(outputs, cycle(await singles(harness.inputs), n));
      },
    },
    {
      name: "the driver answers an empty batch with no outputs",
      run: async ({ driver }) => {
        assert.deepEqual(await driver.predict([], AbortSignal.timeout(CALL_TIMEOUT_MS)), []);
      },
    },
    {
      name: "splits a batch larger than maxBatch, keeping the order",
      run: async ({ driver, calls, endpoint, singles }) => {
        const maxBatch = Math.min(driver.capabilities.maxBatch, 3);
        const inputs = cycle(harness.inputs, maxBatch * 2 + 1);
        const expected = await singles(inputs);
        calls.length = 0;
        const result = await endpoint(maxBatch).predictBatch(inputs);
        expectSame(result.outputs, expected);
        assert.deepEqual(calls, [maxBatch, maxBatch, 1]);
      },
    },
    {
      name: "micro-batches concurrent predict calls and hands each caller its own output",
      run: async ({ model, singles }) => {
        const expected = await singles(harness.inputs);
        expectSame(await Promise.all(harness.inputs.map((input) => model.predict(input))), expected);
      },
    },
    {
      name: "refuses bad input with InvalidArgument, failing only the caller that sent it",
      run: async ({ model }) => {
        await rejectsWith(model.predictBatch([harness.badInput]), ["InvalidArgument"]);
        const [good, bad] = await Promise.allSettled([
          model.predict(harness.inputs[0]),
          model.predict(harness.badInput),
        ]);
        assert.equal(good.status, "fulfilled");
        assert.equal(bad.status, "rejected");
      },
    },
    {
      name: "reports a missing endpoint as NotFound (first call and probe)",
      skip:
        harness.createMissing === undefined ? "the adapter has no way to name a missing endpoint" : undefined,
      run: async ({ endpointOver }) => {
        const driver = await openMissing(() => harness.createMissing!());
        if (driver === undefined) return;
        await rejectsWith(endpointOver(driver).predictBatch([harness.inputs[0]]), ["NotFound"]);
        if (harness.probe)
          await rejectsWith(driver.probe!(AbortSignal.timeout(CALL_TIMEOUT_MS)), ["NotFound"], (e) =>
            driver.errorCode(e),
          );
      },
    },
  ];
}
