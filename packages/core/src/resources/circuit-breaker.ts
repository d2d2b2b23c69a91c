/** Where a circuit breaker stands: letting calls through, failing fast, or letting one probe through. */
export type CircuitState = "closed" | "open" | "half-open";

/** Tuning of a {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call may test the backend, in ms. Default 1000. */
  resetAfterMs: number;
}

/** The circuit breaker settings used where none are configured. */
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, resetAfterMs: 1000 };

/** Permission for one call, handed back with its outcome. */
export interface CircuitPermit {
  /** Whether this call is the half-open probe whose outcome closes or re-opens the circuit. */
  readonly probe: boolean;
}

/**
 * A circuit breaker: after `failureThreshold` consecutive failures it opens and
 * refuses calls, so a backend that is down costs callers nothing; after
 * `resetAfterMs` it lets a single probe through, whose success closes it again
 * and whose failure keeps it open for another period.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;

  constructor(options: Partial<CircuitBreakerOptions> = {}, now: () => number = Date.now) {
    this.#options = { ...DEFAULT_CIRCUIT_BREAKER, ...options };
    this.#now = now;
  }

  /** The current state. */
  get state(): CircuitState {
    if (this.#openedAt === undefined) return "closed";
    return this.#now() - this.#openedAt >= this.#options.resetAfterMs ? "half-open" : "open";
  }

  /** Consecutive failures counted so far while closed. */
  get failures(): number {
    return this.#failures;
  }

  /** Asks to make a call: a permit, or `undefined` when the call must fail fast. */
  acquire(): CircuitPermit | undefined {
    switch (this.state) {
      case "closed":
        return { probe: false };
      case "open":
        return undefined;
      case "half-open":
        if (this.#probing) return undefined;
        this.#probing = true;
        return { probe: true };
    }
  }

  /** Reports that a permitted call succeeded. */
  succeeded(permit: CircuitPermit): void {
    if (permit.probe || this.#openedAt === undefined) {
      this.#failures = 0;
      this.#openedAt = undefined;
      this.#probing = false;
    }
  }

  /** Reports that a permitted call failed in a way that says the backend is unwell. */
  failed(permit: CircuitPermit): void {
    if (permit.probe) {
      this.#probing = false;
      this.#openedAt = this.#now();
      return;
    }
    // A call that started before the circuit opened adds nothing once it is open.
    if (this.#openedAt !== undefined) return;
    this.#failures++;
    if (this.#failures >= this.#options.failureThreshold) this.#openedAt = this.#now();
  }

  /** Hands back a permit whose call ended without saying anything about the backend (canceled, bad input). */
  released(permit: CircuitPermit): void {
    if (permit.probe) this.#probing = false;
  }
}
