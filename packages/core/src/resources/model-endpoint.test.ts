import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelDriver } from "../driver/index.js";
import { type ErrorCode, SwitchyardError } from "../errors.js";
import { ModelEndpoint } from "./model-endpoint.js";
import type { FallbackChange } from "./model-endpoint.js";

/** An in-file model driver: doubles numbers, with scripted failures, delay and a hook to misbehave. */
class DoublingModel implements ModelDriver {
  readonly capabilities: { maxBatch: number };
  readonly batches: number[][] = [];
  failures: ErrorCode[] = [];
  delayMs = 0;
  active = 0;
  maxActive = 0;
  lastSignal: AbortSignal | undefined;
  closed = false;
  answer: (inputs: number[]) => unknown[] = (inputs) => inputs.map((x) => x * 2);

  constructor(maxBatch = 64) {
    this.capabilities = { maxBatch };
  }

  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    this.batches.push(inputs as number[]);
    this.lastSignal = signal;
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const failure = this.failures.shift();
      if (failure !== undefined) throw Object.assign(new Error(`scripted ${failure}`), { failure });
      if ((inputs as number[]).some((x) => x < 0))
        throw Object.assign(new Error("negative"), { failure: "InvalidArgument" });
      return this.answer(inputs as number[]);
    } finally {
      this.active--;
    }
  }

  errorCode(err: unknown): ErrorCode {
    return (err as { failure?: ErrorCode }).failure ?? "Unknown";
  }

  as<T>(): T | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const fast = { initialDelayMs: 1, maxDelayMs: 2 };

async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SwitchyardError);
  return err as SwitchyardError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("ModelEndpoint", () => {
  it("micro-batches concurrent predict calls and hands each caller its own output", async () => {
    const driver = new DoublingModel(4);
    const model = new ModelEndpoint<number, number>(driver, { name: "fraud" });
    const outputs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => model.predict(x)));
    expect(outputs).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(driver.batches.map((b) => b.length)).toEqual([4, 4, 2]);
  });

  it("waits up to maxDelayMs for company before flushing", async () => {
    const driver = new DoublingModel();
    const model = new ModelEndpoint<number, number>(driver, { name: "m", maxDelayMs: 200 });
    const first = model.predict(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = model.predict(2);
    expect(await Promise.all([first, second])).toEqual([2, 4]);
    expect(driver.batches).toEqual([[1, 2]]);
  });

  it("splits a batch at maxBatch, keeps order and stays under the concurrency limit", async () => {
    const driver = new DoublingModel(8);
    driver.delayMs = 5;
    const model = new ModelEndpoint<number, number>(driver, { name: "m", maxBatch: 3, concurrency: 2 });
    const inputs = Array.from({ length: 20 }, (_, i) => i);
    const result = await model.predictBatch(inputs);
    expect(result).toEqual({ outputs: inputs.map((x) => x * 2), fallback: false });
    expect(driver.batches.every((b) => b.length <= 3)).toBe(true);
    expect(driver.batches).toHaveLength(7);
    expect(driver.maxActive).toBe(2);
  });

  it("refuses a maxBatch larger than the driver accepts", () => {
    expect(() => new ModelEndpoint(new DoublingModel(8), { name: "m", maxBatch: 9 })).toThrow(
      /maxBatch 9.*1 to 8/,
    );
  });

  it("retries transient failures with backoff", async () => {
    const driver = new DoublingModel();
    driver.failures = ["Unavailable", "ResourceExhausted"];
    const model = new ModelEndpoint<number, number>(driver, { name: "m", retry: fast });
    expect(await model.predictBatch([1, 2])).toEqual({ outputs: [2, 4], fallback: false });
    expect(driver.batches).toHaveLength(3);
  });

  it("rejects a response with the wrong number of outputs, naming the model and both counts", async () => {
    const driver = new DoublingModel();
    driver.answer = (inputs) => inputs.slice(1);
    const model = new ModelEndpoint<number, number>(driver, { name: "fraud", retry: fast });
    const err = await rejection(model.predictBatch([1, 2, 3]));
    expect(err.code).toBe("Internal");
    expect(err.message).toMatch(/model "fraud".*2 outputs for 3 inputs/);
    expect(driver.batches).toHaveLength(1);
  });

  it("fails a call that outlives timeoutMs with DeadlineExceeded and aborts the driver's signal", async () => {
    const driver = new DoublingModel();
    driver.delayMs = 200;
    const model = new ModelEndpoint<number, number>(driver, {
      name: "m",
      timeoutMs: 20,
      retry: { maxAttempts: 1 },
    });
    const err = await rejection(model.predictBatch([1]));
    expect(err.code).toBe("DeadlineExceeded");
    expect(err.message).toContain("20 ms");
    expect(driver.lastSignal?.aborted).toBe(true);
  });

  it("does not retry bad input, and fails only the caller that sent it", async () => {
    const driver = new DoublingModel();
    const model = new ModelEndpoint<number, number>(driver, { name: "m", retry: fast });
    expect((await rejection(model.predictBatch([1, -1]))).code).toBe("InvalidArgument");
    expect(driver.batches).toHaveLength(1);
    const settled = await Promise.allSettled([model.predict(1), model.predict(-1), model.predict(3)]);
    expect(
      settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as SwitchyardError).code)),
    ).toEqual([2, "InvalidArgument", 6]);
    expect(model.circuit).toBe("closed");
  });

  it("opens the circuit within a second when the model is down (defaults), then fails fast", async () => {
    vi.useFakeTimers();
    const driver = new DoublingModel();
    driver.failures = Array<ErrorCode>(10).fill("Unavailable");
    const model = new ModelEndpoint<number, number>(driver, { name: "m" });
    const first = rejection(model.predictBatch([1]));
    await vi.advanceTimersByTimeAsync(1000);
    expect((await first).code).toBe("Unavailable");
    expect(model.circuit).toBe("open");
    const calls = driver.batches.length;
    const err = await rejection(model.predictBatch([2]));
    expect(err.message).toContain("circuit open");
    expect(driver.batches).toHaveLength(calls);
  });

  it("probes after resetAfterMs and closes the circuit when the probe succeeds", async () => {
    const driver = new DoublingModel();
    driver.failures = ["Unavailable", "Unavailable"];
    const model = new ModelEndpoint<number, number>(driver, {
      name: "m",
      retry: { ...fast, maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 2, resetAfterMs: 30 },
    });
    await rejection(model.predictBatch([1]));
    await rejection(model.predictBatch([1]));
    expect(model.circuit).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(model.circuit).toBe("half-open");
    expect(await model.predictBatch([5])).toEqual({ outputs: [10], fallback: false });
    expect(model.circuit).toBe("closed");
  });

  it("answers from the fallback while the circuit is open, and says so", async () => {
    const driver = new DoublingModel();
    driver.failures = Array<ErrorCode>(10).fill("Unavailable");
    const model = new ModelEndpoint<number, number>(driver, {
      name: "m",
      retry: fast,
      circuitBreaker: { failureThreshold: 3 },
      fallback: (inputs) => inputs.map(() => 0),
    });
    expect(await model.predictBatch([1, 2])).toEqual({
      outputs: [0, 0],
      fallback: true,
      fromFallback: [true, true],
    });
    expect(model.circuit).toBe("open");
    expect(await model.predict(7)).toBe(0);
    expect(driver.batches).toHaveLength(3);
  });

  it("tells once when the fallback takes over and once when the model answers again", async () => {
    const driver = new DoublingModel();
    driver.failures = ["Unavailable", "Unavailable", "Unavailable"];
    const changes: FallbackChange[] = [];
    const model = new ModelEndpoint<number, number>(driver, {
      name: "m",
      retry: { ...fast, maxAttempts: 1 },
      fallback: (inputs) => inputs.map(() => 0),
      onFallbackChange: (change) => changes.push(change),
    });
    expect((await model.predictBatch([1, 2])).fallback).toBe(true);
    expect((await model.predictBatch([3])).fallback).toBe(true);
    expect((await model.predictBatch([4])).fallback).toBe(true);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ answering: "fallback", cause: { code: "Unavailable" } });
    expect(await model.predictBatch([5])).toEqual({ outputs: [10], fallback: false });
    expect(await model.predictBatch([6])).toEqual({ outputs: [12], fallback: false });
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({ answering: "model", inputs: 4 });
  });

  it("rejects a fallback that returns the wrong number of outputs", async () => {
    const driver = new DoublingModel();
    driver.failures = ["Unavailable"];
    const model = new ModelEndpoint<number, number>(driver, {
      name: "m",
      retry: { maxAttempts: 1 },
      fallback: () => [0],
    });
    const err = await rejection(model.predictBatch([1, 2]));
    expect(err.code).toBe("Internal");
    expect(err.message).toContain("fallback returned 1 outputs for 2 inputs");
  });

  it("cancels a waiting predict with Canceled without failing its batch mates", async () => {
    const driver = new DoublingModel();
    const model = new ModelEndpoint<number, number>(driver, { name: "m", maxDelayMs: 10 });
    const controller = new AbortController();
    const canceled = model.predict(1, controller.signal);
    const kept = model.predict(2);
    controller.abort();
    expect((await rejection(canceled)).code).toBe("Canceled");
    expect(await kept).toBe(4);
    expect(driver.batches).toEqual([[2]]);
  });

  it("close() finishes waiting predictions, then closes the driver and refuses new calls", async () => {
    const driver = new DoublingModel();
    const model = new ModelEndpoint<number, number>(driver, { name: "m", maxDelayMs: 10_000 });
    const pending = model.predict(4);
    await model.close();
    expect(await pending).toBe(8);
    expect(driver.closed).toBe(true);
    expect((await rejection(model.predict(1))).code).toBe("FailedPrecondition");
  });
});
