import type { SwitchyardError } from "../errors.js";
import type { RetryPolicy } from "../retry.js";
import type { CircuitBreakerOptions } from "./circuit-breaker.js";

/** Options for a {@link ModelEndpoint}. */
export interface ModelEndpointOptions<I, O> {
  /** The model's name in the profile; every error names it. */
  name: string;
  /** Most inputs per driver call; at most the driver's `maxBatch`. Default: the driver's `maxBatch`. */
  maxBatch?: number;
  /** How long a single `predict` waits for others to share its batch, in ms. Default 0 (the next event-loop turn). */
  maxDelayMs?: number;
  /** Deadline of one driver call, in ms; a late answer fails with DeadlineExceeded. Default 1000. */
  timeoutMs?: number;
  /** Driver calls in flight at once. Default 4. */
  concurrency?: number;
  /** How Unavailable, ResourceExhausted and DeadlineExceeded failures are retried. Default {@link DEFAULT_RETRY}. */
  retry?: Partial<RetryPolicy>;
  /** When the circuit opens and how soon it probes again. Default 5 consecutive failures, probe after 1000 ms. */
  circuitBreaker?: Partial<CircuitBreakerOptions>;
  /**
   * Outputs to use while the model is unreachable (circuit open, or retries of
   * a transient failure exhausted); must return one output per input. Without
   * it, such calls fail with the model's error.
   */
  fallback?: (inputs: I[]) => O[] | Promise<O[]>;
  /**
   * Told when the fallback starts answering for the model (with the failure
   * that made it) and when the model answers again (with how many inputs the
   * fallback answered meanwhile) — once per change, not per call. A pipeline
   * run turns these into warnings.
   */
  onFallbackChange?: (change: FallbackChange) => void;
}

/** What {@link ModelEndpointOptions.onFallbackChange} is told. */
export type FallbackChange =
  /** The fallback answers from now on; `cause` is the model's failure. */
  | { answering: "fallback"; cause: SwitchyardError }
  /** The model answers again; the fallback answered `inputs` inputs over `ms` since it took over. */
  | { answering: "model"; inputs: number; ms: number };

/** What {@link ModelEndpoint.predictBatch} resolves with. */
export interface Predictions<O> {
  /** One output per input, in input order. */
  outputs: O[];
  /** Whether any of the outputs came from the fallback rather than the model. */
  fallback: boolean;
  /** Per output, whether the fallback gave it; present when `fallback` is true. */
  fromFallback?: boolean[];
}
