import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./circuit-breaker.js";

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures; a success in between resets the count", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, resetAfterMs: 100 }, () => now);
    breaker.failed(breaker.acquire()!);
    breaker.succeeded(breaker.acquire()!);
    breaker.failed(breaker.acquire()!);
    expect(breaker.state).toBe("closed");
    breaker.failed(breaker.acquire()!);
    expect(breaker.state).toBe("open");
    expect(breaker.acquire()).toBeUndefined();
    now = 100;
    expect(breaker.state).toBe("half-open");
  });

  it("lets one probe through when half-open; its failure re-opens the circuit for another period", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetAfterMs: 100 }, () => now);
    breaker.failed(breaker.acquire()!);
    now = 150;
    const probe = breaker.acquire();
    expect(probe).toEqual({ probe: true });
    expect(breaker.acquire()).toBeUndefined();
    breaker.failed(probe!);
    expect(breaker.state).toBe("open");
    now = 249;
    expect(breaker.state).toBe("open");
    now = 250;
    const second = breaker.acquire()!;
    breaker.succeeded(second);
    expect(breaker.state).toBe("closed");
  });

  it("frees the probe slot when the probe ends without a verdict", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetAfterMs: 10 }, () => now);
    breaker.failed(breaker.acquire()!);
    now = 10;
    breaker.released(breaker.acquire()!);
    expect(breaker.acquire()).toEqual({ probe: true });
  });
});
