import type { ModelServer } from "@switchyard/model-server";
import { serveModel } from "@switchyard/model-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { smallDemo } from "./demo-fixture.js";
import { MODEL_PATH } from "./model-card.js";
import { ALERT_THRESHOLD } from "./scoring.js";

describe('the "serving" profile: the fraud model behind kserve://', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await serveModel(MODEL_PATH, { port: 0, env: {} });
    vi.stubEnv("MODEL_SERVER", `127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server.close();
  });

  it("raises the alerts the in-process model raises, every one scored by the model", async () => {
    const local = await smallDemo("local");
    const before = server.stats().rows;
    const serving = await smallDemo("serving");

    expect(serving.summary.events).toBe(local.summary.events);
    expect(serving.summary.deadLetters).toBe(serving.truth.corrupt);
    // Every transaction reached the server. A model call that timed out on a loaded machine
    // and was retried scores its rows twice, so the server may count more rows, never fewer.
    expect(server.stats().rows - before).toBeGreaterThanOrEqual(serving.truth.transactions);
    expect(serving.alerts.length).toBeGreaterThan(20);
    expect(serving.alerts.every((a) => a.scoredBy === "model")).toBe(true);

    // Same model, same features: the same scores, but for float rounding, which can only
    // move a transaction across the threshold when its score is at the threshold.
    const localScores = new Map(local.alerts.map((a) => [a.id, a.score]));
    const servingScores = new Map(serving.alerts.map((a) => [a.id, a.score]));
    for (const [id, score] of servingScores) {
      const other = localScores.get(id);
      if (other === undefined) expect(score - ALERT_THRESHOLD, `alert ${id}`).toBeLessThan(1e-6);
      else expect(Math.abs(score - other), `score of ${id}`).toBeLessThan(1e-6);
    }
    for (const [id, score] of localScores) {
      if (!servingScores.has(id)) expect(score - ALERT_THRESHOLD, `alert ${id}`).toBeLessThan(1e-6);
    }
  }, 60_000);
});
