import type { ModelCapabilities, ModelDriver } from "../driver/index.js";
import { type ErrorCode, SwitchyardError, codeOf, isRetryable, wrapError } from "../errors.js";
import { type RetryPolicy, backoffDelay, retryPolicy, sleep } from "../retry.js";
import { splitBatch } from "./batches.js";
import { CircuitBreaker, type CircuitState, DEFAULT_CIRCUIT_BREAKER } from "./circuit-breaker.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { MicroBatcher } from "./micro-batcher.js";
import type { FallbackChange, ModelEndpointOptions, Predictions } from "./model-endpoint-types.js";
import { lifetimeController, linkSignals, raceAbort } from "./signals.js";

export type { CircuitState } from "./circuit-breaker.js";
export type { FallbackChange, ModelEndpointOptions, Predictions } from "./model-endpoint-types.js";

/** Failures that say the model is unreachable or overloaded for now: retried, and answered by the fallback. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "Unavailable",
  "ResourceExhausted",
  "DeadlineExceeded",
]);

/**
 * A model endpoint: the portable type users call, over any {@link ModelDriver}.
 * `predict` micro-batches single calls from many callers; `predictBatch` scores
 * a batch split at `maxBatch`. Every driver call runs under a concurrency limit
 * and a deadline; transient failures are retried with backoff; a circuit breaker
 * stops calling a model that keeps failing, and the optional fallback answers
 * meanwhile. A driver that returns the wrong number of outputs is an error,
 * never a silent misalignment.
 */
export class ModelEndpoint<I = unknown, O = unknown> {
  /** The model's name in the profile. */
  readonly name: string;
  /** Most inputs per driver call. */
  readonly maxBatch: number;
  readonly #driver: ModelDriver;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #breaker: CircuitBreaker;
  readonly #threshold: number;
  readonly #limit: ConcurrencyLimit;
  readonly #fallback: ((inputs: I[]) => O[] | Promise<O[]>) | undefined;
  readonly #onFallbackChange: ((change: FallbackChange) => void) | undefined;
  /** While the fallback answers: since when (ms) and how many inputs it answered. */
  #fallingBack: { since: number; inputs: number } | undefined;
  readonly #batcher: MicroBatcher<I, O>;
  readonly #lifetime = lifetimeController();
  readonly #inFlight = new Set<Promise<unknown>>();
  #lastFailure: SwitchyardError | undefined;
  #closed = false;

  constructor(driver: ModelDriver, options: ModelEndpointOptions<I, O>) {
    this.name = options.name;
    this.#driver = driver;
    const driverMax = driver.capabilities.maxBatch;
    this.maxBatch = options.maxBatch ?? driverMax;
    if (!(Number.isInteger(this.maxBatch) && this.maxBatch >= 1 && this.maxBatch <= driverMax)) {
      throw this.#error(
        "InvalidArgument",
        `maxBatch ${this.maxBatch} is out of range: pass a whole number from 1 to ${driverMax}, the most its driver accepts`,
      );
    }
    this.#timeoutMs = options.timeoutMs ?? 1000;
    if (!(this.#timeoutMs > 0)) throw this.#error("InvalidArgument", `timeoutMs must be positive`);
    this.#policy = retryPolicy(options.retry);
    this.#threshold = options.circuitBreaker?.failureThreshold ?? DEFAULT_CIRCUIT_BREAKER.failureThreshold;
    this.#breaker = new CircuitBreaker(options.circuitBreaker);
    this.#limit = new ConcurrencyLimit(options.concurrency ?? 4);
    this.#fallback = options.fallback;
    this.#onFallbackChange = options.onFallbackChange;
    this.#batcher = new MicroBatcher<I, O>(async (inputs) => (await this.#predictAll(inputs)).outputs, {
      maxBatch: this.maxBatch,
      maxDelayMs: options.maxDelayMs ?? 0,
      // One bad input must not fail the other callers that shared its batch.
      isolate: (err) => codeOf(err) === "InvalidArgument",
    });
  }

  /** What the driver behind this endpoint supports. */
  get capabilities(): ModelCapabilities {
    return this.#driver.capabilities;
  }

  /** The circuit breaker's state: `open` means calls fail fast (or use the fallback). */
  get circuit(): CircuitState {
    return this.#breaker.state;
  }

  /** Scores one input, sharing a driver call with other callers' inputs (micro-batching). */
  predict(input: I, signal?: AbortSignal): Promise<O> {
    if (this.#closed) return Promise.reject(this.#closedError());
    return this.#batcher.add(input, signal);
  }

  /**
   * Scores a batch: one output per input, in order. `fallback` is true when some
   * outputs came from the fallback because the model was unreachable.
   */
  predictBatch(inputs: readonly I[], signal?: AbortSignal): Promise<Predictions<O>> {
    if (this.#closed) return Promise.reject(this.#closedError());
    const run = this.#predictAll(inputs, signal);
    this.#inFlight.add(run);
    const forget = () => this.#inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** Returns the driver's provider client if it is an instance of `type`; `undefined` otherwise. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.#driver.as(type);
  }

  /** Finishes waiting and in-flight predictions, then releases the driver. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#batcher.drain();
    await Promise.allSettled(this.#inFlight);
    this.#lifetime.abort();
    await this.#driver.close();
  }

  async #predictAll(inputs: readonly I[], signal?: AbortSignal): Promise<Predictions<O>> {
    if (inputs.length === 0) return { outputs: [], fallback: false };
    const chunks = splitBatch(inputs, this.maxBatch);
    const results = await Promise.all(
      chunks.map((chunk) => this.#limit.run(() => this.#predictChunk(chunk, signal), signal)),
    );
    if (results.length === 1 && results[0] !== undefined) return results[0];
    const outputs = results.flatMap((r) => r.outputs);
    if (!results.some((r) => r.fallback)) return { outputs, fallback: false };
    const fromFallback = results.flatMap((r) => r.fromFallback ?? r.outputs.map(() => false));
    return { outputs, fallback: true, fromFallback };
  }

  async #predictChunk(inputs: I[], signal: AbortSignal | undefined): Promise<Predictions<O>> {
    for (let attempt = 1; ; attempt++) {
      const permit = this.#breaker.acquire();
      if (permit === undefined) return this.#degrade(inputs, this.#openError());
      let failure: SwitchyardError;
      try {
        const outputs = await this.#callDriver(inputs, signal);
        this.#breaker.succeeded(permit);
        if (this.#fallingBack !== undefined) this.#modelAnswers();
        return { outputs, fallback: false };
      } catch (err) {
        failure = err as SwitchyardError;
        // Only failures of the service count towards opening the circuit, not bad input or cancellation.
        if (isRetryable(failure.code)) {
          this.#lastFailure = failure;
          this.#breaker.failed(permit);
        } else {
          this.#breaker.released(permit);
        }
      }
      if (!TRANSIENT.has(failure.code)) throw failure;
      if (attempt >= this.#policy.maxAttempts) return this.#degrade(inputs, failure);
      if (this.#breaker.state === "open") return this.#degrade(inputs, this.#openError());
      await sleep(backoffDelay(this.#policy, attempt), signal);
    }
  }

  /** One driver call under the deadline; always rejects with a SwitchyardError. */
  async #callDriver(inputs: I[], signal: AbortSignal | undefined): Promise<O[]> {
    const deadline = new AbortController();
    const linked = linkSignals(this.#lifetime.signal, signal, deadline.signal);
    const timer = setTimeout(() => deadline.abort(), this.#timeoutMs);
    let outputs: unknown[];
    try {
      outputs = await raceAbort(
        this.#driver.predict(inputs, linked.signal),
        linked.signal,
        `model "${this.name}"`,
      );
    } catch (err) {
      if (deadline.signal.aborted && signal?.aborted !== true && !this.#lifetime.signal.aborted) {
        throw this.#error(
          "DeadlineExceeded",
          `no answer for ${inputs.length} inputs within ${this.#timeoutMs} ms`,
          err,
        );
      }
      throw wrapError(err, (e) => this.#driver.errorCode(e), `model "${this.name}"`);
    } finally {
      clearTimeout(timer);
      linked.dispose();
    }
    return this.#checkCount(outputs, inputs.length, "the model");
  }

  async #degrade(inputs: I[], failure: SwitchyardError): Promise<Predictions<O>> {
    if (this.#fallback === undefined || !TRANSIENT.has(failure.code)) throw failure;
    let outputs: unknown;
    try {
      outputs = await this.#fallback(inputs);
    } catch (err) {
      throw wrapError(err, () => "Internal", `model "${this.name}": fallback`);
    }
    const checked = this.#checkCount(outputs, inputs.length, "the fallback");
    if (this.#fallingBack === undefined) {
      this.#fallingBack = { since: Date.now(), inputs: 0 };
      this.#onFallbackChange?.({ answering: "fallback", cause: failure });
    }
    this.#fallingBack.inputs += inputs.length;
    return { outputs: checked, fallback: true, fromFallback: checked.map(() => true) };
  }

  #modelAnswers(): void {
    const { since, inputs } = this.#fallingBack!;
    this.#fallingBack = undefined;
    this.#onFallbackChange?.({ answering: "model", inputs, ms: Date.now() - since });
  }

  #checkCount(outputs: unknown, expected: number, source: string): O[] {
    if (Array.isArray(outputs) && outputs.length === expected) return outputs as O[];
    const got = Array.isArray(outputs)
      ? `${outputs.length} outputs`
      : `a ${typeof outputs} instead of an array`;
    throw this.#error(
      "Internal",
      `${source} returned ${got} for ${expected} inputs; it must return one output per input, in order`,
    );
  }

  #openError(): SwitchyardError {
    return this.#error(
      "Unavailable",
      `circuit open after ${this.#threshold} consecutive failures; calls fail fast until a probe succeeds`,
      this.#lastFailure,
    );
  }

  #closedError(): SwitchyardError {
    return this.#error("FailedPrecondition", "the endpoint is closed");
  }

  #error(code: ErrorCode, detail: string, cause?: unknown): SwitchyardError {
    return new SwitchyardError(
      code,
      `model "${this.name}": ${detail}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
