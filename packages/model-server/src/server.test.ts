import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SwitchyardError } from "@switchyard/core/driver";
import { afterEach, describe, expect, it } from "vitest";
import { expected, inflight, postJson, row, startFixture } from "./fixture.js";
import { serveModel, type ModelServer } from "./server.js";

const tensor = (rows: number[][]) => ({
  inputs: [{ name: "features", shape: [rows.length, 10], datatype: "FP32", data: rows }],
});

describe("serveModel", () => {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("answers unknown routes with 404 and wrong methods with 405, as JSON", async () => {
    server = await startFixture();
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: expect.stringContaining("/nope") });
    const wrong = await fetch(`${server.url}/v2/models/fraud/infer`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await fetch(`${server.url}/v2/models/%E0%A4%A/ready`)).status).toBe(400);
    expect((await fetch(`${server.url}/v2/models/fraud/ready`)).status).toBe(200);
  });

  it("forgets a request whose client disconnects mid-body", async () => {
    server = await startFixture();
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write('POST /v2/models/fraud/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"inputs"');
    await inflight(server.url, 1);
    socket.destroy();
    let gauge = "";
    for (let i = 0; i < 100 && gauge !== "1"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const text = await (await fetch(`${server.url}/metrics`)).text();
      gauge = /switchyard_model_inflight_requests (\d+)/.exec(text)?.[1] ?? "";
    }
    expect(gauge).toBe("1");
  });

  it("refuses a body over the limit with 413 and keeps serving", async () => {
    server = await startFixture({ maxBodyBytes: 64 * 1024 });
    const big = tensor(Array.from({ length: 2000 }, (_, i) => row(i)));
    const res = await postJson(`${server.url}/v2/models/fraud/infer`, big);
    expect(res.status).toBe(413);
    expect(res.json.error).toContain("65536");
    expect((await postJson(`${server.url}/v2/models/fraud/infer`, tensor([row(1)]))).status).toBe(200);
  });

  it("answers 503 with JSON when the queue is full, and serves the queued requests", async () => {
    server = await startFixture({ maxQueue: 2, maxDelayMs: 200 });
    const url = `${server.url}/v2/models/fraud/infer`;
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => postJson(url, tensor([row(i)]))));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503, 503, 503]);
    const refused = answers.find((a) => a.status === 503)!;
    expect(refused.json.error).toContain("limit");
    expect(refused.headers.get("retry-after")).toBe("1");
  });

  it("batches concurrent requests into fewer session runs", async () => {
    server = await startFixture({ maxBatch: 64, maxDelayMs: 50 });
    const url = `${server.url}/v2/models/fraud/infer`;
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => postJson(url, tensor([row(i)]))));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Each request gets its own row's score back, whichever batch it shared.
    answers.forEach((a, i) => expect(a.json.outputs[0].data[0]).toBeCloseTo(expected(row(i)), 5));
    const stats = server.stats();
    expect(stats.requests).toBe(32);
    expect(stats.sessionRuns).toBeLessThanOrEqual(8);
    // A second round reuses the batch assembly buffer of the first.
    const again = await Promise.all(
      Array.from({ length: 16 }, (_, i) => postJson(url, tensor([row(100 + i), row(200 + i)]))),
    );
    again.forEach((a, i) => {
      expect(a.json.outputs[0].data[0]).toBeCloseTo(expected(row(100 + i)), 5);
      expect(a.json.outputs[0].data[1]).toBeCloseTo(expected(row(200 + i)), 5);
    });
  });

  it("runs each request alone when batching is off", async () => {
    server = await startFixture({ maxBatch: 1 });
    const url = `${server.url}/v2/models/fraud/infer`;
    await Promise.all(Array.from({ length: 8 }, (_, i) => postJson(url, tensor([row(i)]))));
    expect(server.stats()).toEqual({ requests: 8, rows: 8, sessionRuns: 8 });
  });

  it("exposes Prometheus metrics: requests by route and status, batch sizes, latency", async () => {
    server = await startFixture();
    await postJson(`${server.url}/v2/models/fraud/infer`, tensor([row(1), row(2), row(3)]));
    await postJson(`${server.url}/v2/models/fraud/infer`, "{");
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('switchyard_model_requests_total{route="v2_infer",status="200"} 1');
    expect(text).toContain('switchyard_model_requests_total{route="v2_infer",status="400"} 1');
    expect(text).toContain('switchyard_model_batch_size_bucket{model="fraud",le="4"} 1');
    expect(text).toContain('switchyard_model_inference_seconds_count{model="fraud"} 1');
    expect(text).toContain('switchyard_model_session_runs_total{model="fraud"} 1');
  });

  it("finishes requests in flight on close, then stops accepting connections", async () => {
    server = await startFixture({ maxDelayMs: 300 });
    const url = server.url;
    const pending = postJson(`${url}/v2/models/fraud/infer`, tensor([row(1)]));
    await inflight(url, 1);
    const closed = server.close();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.json.outputs[0].data).toHaveLength(1);
    await closed;
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
  });

  it("refuses to start on a missing or invalid model file, naming the path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "switchyard-bad-model-"));
    try {
      const missing = join(dir, "missing.onnx");
      const error = await serveModel(missing, { port: 0 }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(SwitchyardError);
      expect(error).toMatchObject({ code: "NotFound", message: expect.stringContaining(missing) });
      const garbage = join(dir, "garbage.onnx");
      await writeFile(garbage, "not a model");
      await expect(serveModel(garbage, { port: 0 })).rejects.toMatchObject({
        code: "InvalidArgument",
        message: expect.stringContaining(garbage),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the port when it is already in use", async () => {
    server = await startFixture();
    await expect(startFixture({ port: server.port })).rejects.toMatchObject({
      code: "Unavailable",
      message: expect.stringContaining(`${server.port} is in use`),
    });
  });

  it("refuses invalid options before loading anything", async () => {
    await expect(serveModel("x.onnx", { maxBatch: 0 })).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("maxBatch"),
    });
  });
});
