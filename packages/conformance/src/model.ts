import { isDeepStrictEqual } from "node:util";
import { ModelEndpoint } from "@switchyard/core";
import type { ModelDriver } from "@switchyard/core/driver";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Unrelated, expectClassifiesGarbage, expectCode } from "./expect-code.js";
import type { ModelHarness } from "./harness.js";

/** Generous per-call deadline: the suite checks answers, not latency. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * Registers the model conformance tests for an adapter: one output per input
 * in order; batches larger than `maxBatch` are split; the same input gives the
 * same output; bad input is InvalidArgument and fails only its own caller;
 * NotFound for a missing endpoint; error classification; the `as()` escape hatch.
 */
export function runModelConformance(harness: ModelHarness): void {
  const same = (a: unknown, b: unknown) => (harness.same ? harness.same(a, b) : isDeepStrictEqual(a, b));

  describe(`model conformance: ${harness.name}`, { timeout: harness.timeoutMs ?? 20_000 }, () => {
    let driver: ModelDriver;
    let calls: number[];
    let model: ModelEndpoint;

    beforeEach(async () => {
      driver = await harness.create();
      calls = [];
      model = endpoint(recording(driver, calls));
    });

    afterEach(async () => {
      await model.close();
      await harness.cleanup?.();
    });

    const endpoint = (d: ModelDriver, maxBatch?: number) =>
      new ModelEndpoint(d, {
        name: "conformance",
        timeoutMs: CALL_TIMEOUT_MS,
        retry: { maxAttempts: 2 },
        ...(maxBatch === undefined ? {} : { maxBatch }),
      });
    const singles = async (inputs: readonly unknown[]) => {
      const outputs: unknown[] = [];
      for (const input of inputs) outputs.push((await model.predictBatch([input])).outputs[0]);
      return outputs;
    };
    const expectSame = (actual: unknown[], expected: unknown[]) => {
      expect(actual).toHaveLength(expected.length);
      actual.forEach((a, i) => expect(same(a, expected[i]), `output ${i}`).toBe(true));
    };

    it("declares a usable maxBatch, and the harness gives distinguishable inputs", async () => {
      expect(driver.capabilities.maxBatch).toBeGreaterThanOrEqual(1);
      expect(harness.inputs.length).toBeGreaterThanOrEqual(2);
      const [a, b] = await singles(harness.inputs.slice(0, 2));
      expect(same(a, b), "the first two inputs must give different outputs").toBe(false);
    });

    it("returns one output per input, in input order", async () => {
      const expected = await singles(harness.inputs);
      const reversed = [...harness.inputs].reverse();
      const result = await model.predictBatch(reversed);
      expect(result.fallback).toBe(false);
      expectSame(result.outputs, [...expected].reverse());
    });

    it("gives the same output for the same input", async () => {
      const [first] = await singles([harness.inputs[0]]);
      const [again] = await singles([harness.inputs[0]]);
      expect(same(first, again)).toBe(true);
    });

    it("accepts a full batch of maxBatch inputs", async () => {
      const n = Math.min(driver.capabilities.maxBatch, 256);
      const inputs = cycle(harness.inputs, n);
      const outputs = await driver.predict(inputs, AbortSignal.timeout(CALL_TIMEOUT_MS));
      expect(outputs).toHaveLength(n);
    });

    it("splits a batch larger than maxBatch, keeping the order", async () => {
      const maxBatch = Math.min(driver.capabilities.maxBatch, 3);
      const split = endpoint(recording(driver, calls), maxBatch);
      const inputs = cycle(harness.inputs, maxBatch * 2 + 1);
      const expected = await singles(inputs);
      calls.length = 0;
      const result = await split.predictBatch(inputs);
      expectSame(result.outputs, expected);
      expect(calls).toEqual([maxBatch, maxBatch, 1]);
    });

    it("micro-batches concurrent predict calls and hands each caller its own output", async () => {
      const expected = await singles(harness.inputs);
      const outputs = await Promise.all(harness.inputs.map((input) => model.predict(input)));
      expectSame(outputs, expected);
    });

    it("refuses bad input with InvalidArgument, failing only the caller that sent it", async () => {
      await expectCode(model.predictBatch([harness.badInput]), "InvalidArgument");
      const [good, bad] = await Promise.allSettled([
        model.predict(harness.inputs[0]),
        model.predict(harness.badInput),
      ]);
      expect(good.status).toBe("fulfilled");
      expect(bad.status).toBe("rejected");
    });

    // Skipped for adapters that have no way to name a missing endpoint.
    it.skipIf(harness.createMissing === undefined)("reports a missing endpoint as NotFound", async () => {
      let missing: ModelEndpoint | undefined;
      const firstCall = async () => {
        missing = endpoint(await harness.createMissing!());
        return missing.predictBatch([harness.inputs[0]]);
      };
      try {
        await expectCode(firstCall(), "NotFound");
      } finally {
        await missing?.close();
      }
    });

    it("classifies any error into a portable code without throwing", () => {
      expectClassifiesGarbage((err) => driver.errorCode(err));
    });

    it("as() returns undefined for an unrelated class", () => {
      expect(model.as(Unrelated)).toBeUndefined();
    });
  });
}

/** The driver, recording the size of every batch it is given; closing it is left to the suite. */
function recording(driver: ModelDriver, calls: number[]): ModelDriver {
  return {
    capabilities: driver.capabilities,
    predict: (inputs, signal) => {
      calls.push(inputs.length);
      return driver.predict(inputs, signal);
    },
    errorCode: (err) => driver.errorCode(err),
    as: (type) => driver.as(type),
    close: () => driver.close(),
  };
}

/** `n` inputs taken from `inputs` round-robin. */
function cycle(inputs: readonly unknown[], n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => inputs[i % inputs.length]);
}
