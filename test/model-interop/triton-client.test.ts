/**
 * Triton's own Python client (tritonclient, HTTP with binary and with JSON
 * tensors, and gRPC) and boto3's sagemaker-runtime client against the model server.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { expected, row, startFixture } from "../../packages/model-server/src/fixture.js";
import type { ModelServer } from "../../packages/model-server/src/index.js";
import { describeService } from "../harness/suite.js";
import { runPeer } from "./peers.js";

const BATCHES = ["1", "7", "64"];

/** What triton_client.py saw, checked against the fixture model's own scores. */
function checkSession(seen: any, wrongShapeStatus: string): void {
  expect(seen).toMatchObject({ live: true, ready: true, model_ready: true });
  expect(seen.metadata.name).toBe("fraud");
  const [input] = seen.metadata.inputs;
  expect({ ...input, shape: input.shape.map(Number) }).toEqual({
    name: "features",
    datatype: "FP32",
    shape: [-1, 10],
  });
  expect(seen.answers.map((a: { rows: number }) => a.rows)).toEqual(BATCHES.map(Number));
  for (const answer of seen.answers) {
    expect(answer.scores).toHaveLength(answer.rows);
    answer.scores.forEach((score: number, seed: number) => expect(score).toBeCloseTo(expected(row(seed)), 5));
  }
  expect(seen.wrong_shape.status).toBe(wrongShapeStatus);
  expect(seen.wrong_shape.message).toMatch(/shape is \[2,9\]; input "features" takes \[n, 10\]/);
}

describeService("python-peers", "Triton and boto3 clients against the model server", (env) => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startFixture({ grpcPort: 0 });
  });
  afterAll(() => server?.close());

  it("tritonclient HTTP with binary tensors: health, metadata, several batch sizes, wrong shape", async () => {
    const seen = await runPeer(env, "triton_client.py", [
      "http",
      `127.0.0.1:${server.port}`,
      "fraud",
      "binary",
      ...BATCHES,
    ]);
    checkSession(seen, "400");
  });

  it("tritonclient HTTP with JSON tensors", async () => {
    const seen = await runPeer(env, "triton_client.py", [
      "http",
      `127.0.0.1:${server.port}`,
      "fraud",
      "json",
      ...BATCHES,
    ]);
    checkSession(seen, "400");
  });

  it("tritonclient gRPC", async () => {
    const seen = await runPeer(env, "triton_client.py", [
      "grpc",
      `127.0.0.1:${server.grpcPort}`,
      "fraud",
      "binary",
      ...BATCHES,
    ]);
    checkSession(seen, "StatusCode.INVALID_ARGUMENT");
  });

  it("boto3 sagemaker-runtime invoke_endpoint with JSON and CSV", async () => {
    const seen = await runPeer(env, "sagemaker_client.py", [server.url, "fraud"]);
    expect(seen.json.contentType).toMatch(/^application\/json/);
    const predictions = JSON.parse(seen.json.body).predictions as number[][];
    expect(predictions).toHaveLength(3);
    predictions.forEach((p, seed) => expect(p[0]).toBeCloseTo(expected(row(seed)), 5));
    expect(seen.csv.contentType).toMatch(/^text\/csv/);
    const lines = seen.csv.body.trim().split("\n").map(Number);
    expect(lines).toHaveLength(3);
    lines.forEach((p: number, seed: number) => expect(p).toBeCloseTo(expected(row(seed)), 5));
  });
});
