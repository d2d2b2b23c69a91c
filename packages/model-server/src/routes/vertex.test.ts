import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { expected, postJson, row, startFixture } from "../fixture.js";
import { serveModel, type ModelServer } from "../server.js";
import { writeTestModel } from "../test-model.js";

describe("Vertex AI custom container", () => {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves AIP_PREDICT_ROUTE and AIP_HEALTH_ROUTE when Vertex sets them", async () => {
    server = await startFixture({
      env: { AIP_PREDICT_ROUTE: "/predict", AIP_HEALTH_ROUTE: "/healthz", AIP_DEPLOYED_MODEL_ID: "4242" },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const rows = [row(1), row(2)];
    const res = await postJson(`${server.url}/predict`, { instances: rows, parameters: { confidence: 0.5 } });
    expect(res.status).toBe(200);
    expect(res.json.deployedModelId).toBe("4242");
    rows.forEach((r, i) => expect(res.json.predictions[i][0]).toBeCloseTo(expected(r), 5));
  });

  it("listens on AIP_HTTP_PORT when no port is given", async () => {
    const probe = await startFixture();
    const port = probe.port;
    await probe.close();
    const dir = await mkdtemp(join(tmpdir(), "switchyard-vertex-"));
    try {
      const path = await writeTestModel(join(dir, "fraud.onnx"));
      server = await serveModel(path, { env: { AIP_HTTP_PORT: String(port) } });
      expect(server.port).toBe(port);
      expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("serves Vertex's default routes and the public prediction path", async () => {
    server = await startFixture();
    expect((await fetch(`${server.url}/v1/endpoints/123/deployedModels/456`)).status).toBe(200);
    const byDefault = await postJson(`${server.url}/v1/endpoints/123/deployedModels/456:predict`, {
      instances: [row(3)],
    });
    expect(byDefault.json.deployedModelId).toBe("456");
    const publicPath = await postJson(
      `${server.url}/v1/projects/p/locations/us-central1/endpoints/123:predict`,
      {
        instances: [row(3)],
      },
    );
    expect(publicPath.json.predictions).toEqual(byDefault.json.predictions);
    expect(
      (await postJson(`${server.url}/v1/endpoints/123/deployedModels/456:predict`, { rows: [] })).status,
    ).toBe(400);
  });
});
