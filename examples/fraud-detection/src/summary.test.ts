import { describe, expect, it } from "vitest";
import type { DemoSummary } from "./summary.js";
import { formatSummary } from "./summary.js";

const summary: DemoSummary = {
  events: 20_000,
  eventsPerSec: 9_990,
  p50Ms: 12,
  p99Ms: 80,
  alerts: 250,
  precision: 0.9,
  recall: 0.8,
  deadLetters: 20,
  profile: "serving",
};
const latency = { p50Ms: 11, p99Ms: 70 };

describe("the demo's human summary", () => {
  it("says how many alerts the rule fallback raised while the model was unreachable", () => {
    const text = formatSummary(summary, { frauds: 280, corrupt: 20 }, latency, 1_234);
    expect(text).toContain("1,234 alerts scored by the rules while the model was unreachable");
  });

  it("has no fallback line when the model scored everything", () => {
    expect(formatSummary(summary, { frauds: 280, corrupt: 20 }, latency)).not.toContain("fallback");
    expect(formatSummary(summary, { frauds: 280, corrupt: 20 }, latency, 0)).not.toContain("rules");
  });

  it("says what the latency figures include", () => {
    const text = formatSummary(summary, { frauds: 280, corrupt: 20 }, latency);
    expect(text).toMatch(/published → every sink acknowledged/);
    expect(text).toMatch(/500-record batches, the broker,\s+the pipeline's batches, state-store round trips/);
  });
});
