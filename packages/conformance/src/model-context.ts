import { ModelEndpoint } from "@switchyard/core";
import type { ModelDriver } from "@switchyard/core/driver";
import type { ModelHarness } from "./harness.js";

/** Generous per-call deadline: the suite checks answers, not latency. */
export const CALL_TIMEOUT_MS = 10_000;

/** What a model check gets: a fresh driver, endpoints over it that record every batch size, and helpers. */
export interface ModelContext {
  driver: ModelDriver;
  /** The size of every batch the endpoints handed the driver, in order. */
  calls: number[];
  /** The default endpoint over the driver. */
  model: ModelEndpoint;
  /** Another endpoint over the same driver, e.g. with a smaller `maxBatch`. */
  endpoint: (maxBatch?: number) => ModelEndpoint;
  /** An endpoint over another driver, closed after the check. */
  endpointOver: (driver: ModelDriver) => ModelEndpoint;
  /** The outputs of `inputs` scored one call each. */
  singles: (inputs: readonly unknown[]) => Promise<unknown[]>;
}

/** The context for one model check, with what releases it. */
export async function openModelContext(
  harness: ModelHarness,
): Promise<ModelContext & { dispose(): Promise<void> }> {
  const driver = await harness.create();
  const calls: number[] = [];
  const others: ModelEndpoint[] = [];
  const over = (d: ModelDriver, maxBatch?: number) => {
    const e = new ModelEndpoint(d, {
      name: "conformance",
      timeoutMs: CALL_TIMEOUT_MS,
      retry: { maxAttempts: 2 },
      ...(maxBatch === undefined ? {} : { maxBatch }),
    });
    others.push(e);
    return e;
  };
  const model = over(recording(driver, calls));
  return {
    driver,
    calls,
    model,
    endpoint: (maxBatch) => over(recording(driver, calls), maxBatch),
    endpointOver: (d) => over(d),
    async singles(inputs) {
      const outputs: unknown[] = [];
      for (const input of inputs) outputs.push((await model.predictBatch([input])).outputs[0]);
      return outputs;
    },
    async dispose() {
      await Promise.allSettled(others.map((e) => e.close()));
      await driver.close().catch(() => undefined);
      await harness.cleanup?.();
    },
  };
}

/** The driver, recording the size of every batch it is given; closing it is left to the context. */
function recording(driver: ModelDriver, calls: number[]): ModelDriver {
  return {
    capabilities: driver.capabilities,
    predict: (inputs, signal) => {
      calls.push(inputs.length);
      return driver.predict(inputs, signal);
    },
    errorCode: (err) => driver.errorCode(err),
    as: (type) => driver.as(type),
    close: async () => undefined,
  };
}

/** `n` inputs taken from `inputs` round-robin. */
export function cycle(inputs: readonly unknown[], n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => inputs[i % inputs.length]);
}
