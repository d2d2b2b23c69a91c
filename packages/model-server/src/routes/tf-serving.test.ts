import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, postJson, row, startFixture } from "../fixture.js";
import type { ModelServer } from "../server.js";

describe("TensorFlow Serving REST", () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startFixture();
  });
  afterAll(() => server.close());

  it("reports the model version AVAILABLE", async () => {
    const res = await fetch(`${server.url}/v1/models/fraud`);
    expect(await res.json()).toEqual({
      model_version_status: [
        { version: "1", state: "AVAILABLE", status: { error_code: "OK", error_message: "" } },
      ],
    });
  });

  it("predicts in the row format, plain or with named inputs", async () => {
    const rows = [row(4), row(5)];
    const plain = await postJson(`${server.url}/v1/models/fraud:predict`, { instances: rows });
    expect(plain.status).toBe(200);
    expect(plain.json.predictions).toHaveLength(2);
    rows.forEach((r, i) => expect(plain.json.predictions[i][0]).toBeCloseTo(expected(r), 5));

    const named = await postJson(`${server.url}/v1/models/fraud/versions/1:predict`, {
      signature_name: "serving_default",
      instances: rows.map((features) => ({ features })),
    });
    expect(named.json.predictions).toEqual(plain.json.predictions);
  });

  it("predicts in the columnar format", async () => {
    const rows = [row(6), row(7)];
    const res = await postJson(`${server.url}/v1/models/fraud:predict`, { inputs: { features: rows } });
    expect(res.status).toBe(200);
    expect(res.json.outputs).toHaveLength(2);
    expect(res.json.outputs[1][0]).toBeCloseTo(expected(rows[1]!), 5);
  });

  it("refuses bad requests with 400 and unknown models with 404", async () => {
    const predict = `${server.url}/v1/models/fraud:predict`;
    expect((await postJson(predict, { instances: [row(1).slice(0, 9)] })).status).toBe(400);
    expect((await postJson(predict, { instances: [row(1)], inputs: [row(1)] })).status).toBe(400);
    expect((await postJson(predict, { instances: [["a", ...row(1).slice(1)]] })).status).toBe(400);
    expect((await postJson(predict, { instances: [] })).status).toBe(400);
    expect((await postJson(`${server.url}/v1/models/other:predict`, { instances: [row(1)] })).status).toBe(
      404,
    );
    expect((await fetch(`${server.url}/v1/models/fraud/versions/2`)).status).toBe(404);
  });
});
