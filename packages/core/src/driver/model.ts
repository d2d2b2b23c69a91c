import type { ErrorCode } from "../errors.js";
import type { ModelCapabilities } from "./capabilities.js";

/**
 * The contract a model adapter implements: one call scores a batch. Inputs are
 * whatever the model takes per example (for tabular models a `number[]` or
 * `Float32Array` of features); outputs come back one per input, in order.
 * No retries, no timeouts: core's ModelEndpoint owns both.
 */
export interface ModelDriver {
  /** What this model endpoint supports. */
  readonly capabilities: ModelCapabilities;
  /** Scores a batch of at most `capabilities.maxBatch` inputs; resolves with exactly one output per input. */
  predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]>;
  /** Classifies a provider error into a portable code. Must not throw. */
  errorCode(err: unknown): ErrorCode;
  /** Returns the provider client if it is an instance of `type`. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined;
  /** Checks the model is loaded / reachable, within the signal's deadline. */
  probe?(signal: AbortSignal): Promise<void>;
  /** Releases sessions and connections. Idempotent. */
  close(): Promise<void>;
}
