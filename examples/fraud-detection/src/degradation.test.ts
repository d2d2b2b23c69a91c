import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { serveModel } from "@switchyard/model-server";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DemoResult } from "./run-demo.js";
import { smallDemo } from "./demo-fixture.js";
import { MODEL_PATH } from "./model-card.js";

/** A port on 127.0.0.1 that nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = await listen(createServer());
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Every event was done, only the corrupt records were dead-lettered, and rule-scored alerts carry the rules' score. */
function expectCompleted(result: DemoResult): void {
  expect(result.summary.events).toBe(result.truth.transactions + result.truth.corrupt);
  expect(result.summary.deadLetters).toBe(result.truth.corrupt);
  for (const alert of result.alerts) {
    expect(alert.scoredBy, `alert ${alert.id}`).toMatch(/^(model|rules)$/);
    if (alert.scoredBy === "rules") expect(alert.score, `alert ${alert.id}`).toBe(1);
  }
}

describe('graceful degradation of the "serving" profile', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("keeps scoring on the rules when nothing listens on the model's port, marking every alert", async () => {
    vi.stubEnv("MODEL_SERVER", `127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    const result = await smallDemo("serving");

    expectCompleted(result);
    expect(result.alerts.length).toBeGreaterThan(0);
    expect(result.alerts.every((a) => a.scoredBy === "rules")).toBe(true);
    expect(result.summary.recall).toBeGreaterThan(0.3);
    // A sanity bound, not a benchmark; the next test shows the circuit opening.
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it("stops calling a model that answers 503 once the circuit opens", async () => {
    // What a load balancer answers when no model replica is healthy.
    let requests = 0;
    const unavailable = createHttpServer((_req, res) => {
      requests++;
      res.writeHead(503, { "content-type": "application/json" }).end('{"error":"no healthy replica"}');
    });
    await listen(unavailable);
    vi.stubEnv("MODEL_SERVER", `127.0.0.1:${(unavailable.address() as AddressInfo).port}`);
    try {
      const result = await smallDemo("serving");
      expectCompleted(result);
      expect(result.alerts.every((a) => a.scoredBy === "rules")).toBe(true);
      // Five failed calls open the circuit (calls waiting on the same metadata request fail
      // together), then one probe a second. Without the breaker every chunk of 256 records
      // would try five times: about 150 calls for this run.
      expect(requests).toBeGreaterThan(0);
      expect(requests, "calls to the model").toBeLessThan(30);
    } finally {
      unavailable.closeAllConnections();
      await new Promise((resolve) => unavailable.close(resolve));
    }
  }, 60_000);

  it("falls back mid-run when the model server goes away, marking only what the rules scored", async () => {
    const events = 10_000;
    const reference = await smallDemo("local", { events });
    const server = await serveModel(MODEL_PATH, { port: 0, env: {} });
    vi.stubEnv("MODEL_SERVER", `127.0.0.1:${server.port}`);
    // Stop the server once a third of the events were scored on it; the demo is paced, so more follow.
    let running = true;
    const cut = (async () => {
      while (running && server.stats().rows < events / 3) await pause(10);
      await server.close();
    })();
    let result: DemoResult;
    try {
      result = await smallDemo("serving", { events, rate: 4_000 });
    } finally {
      running = false;
      await cut;
    }

    expectCompleted(result);
    expect(server.stats().rows).toBeLessThan(result.truth.transactions);
    const byModel = result.alerts.filter((a) => a.scoredBy === "model");
    expect(byModel.length).toBeGreaterThan(0);
    expect(result.alerts.filter((a) => a.scoredBy === "rules").length).toBeGreaterThan(0);
    // Alerts marked "model" carry the model's own score for that transaction.
    const modelScores = new Map(reference.alerts.map((a) => [a.id, a.score]));
    for (const alert of byModel) {
      expect(modelScores.get(alert.id), `alert ${alert.id}`).toBeCloseTo(alert.score, 6);
    }
  }, 60_000);
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
