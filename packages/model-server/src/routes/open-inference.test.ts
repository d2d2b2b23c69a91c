import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, postJson, row, startFixture } from "../fixture.js";
import type { ModelServer } from "../server.js";

describe("Open Inference Protocol v2", () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startFixture({}, { withLogits: true });
  });
  afterAll(() => server.close());

  it("answers health, readiness and model metadata with typed tensors", async () => {
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/models/fraud/ready`)).status).toBe(200);
    const meta = await (await fetch(`${server.url}/v2/models/fraud`)).json();
    expect(meta).toMatchObject({
      name: "fraud",
      versions: ["1"],
      inputs: [{ name: "features", datatype: "FP32", shape: [-1, 10] }],
      outputs: [
        { name: "probability", datatype: "FP32", shape: [-1, 1] },
        { name: "logits", datatype: "FP32", shape: [-1, 1] },
      ],
    });
  });

  it("scores a typed tensor, flat or nested, one output row per input row", async () => {
    const rows = [row(1), row(2), row(3)];
    const res = await postJson(`${server.url}/v2/models/fraud/infer`, {
      id: "req-1",
      inputs: [{ name: "features", shape: [3, 10], datatype: "FP32", data: rows.flat() }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ model_name: "fraud", id: "req-1" });
    const probability = res.json.outputs.find((o: { name: string }) => o.name === "probability");
    expect(probability).toMatchObject({ datatype: "FP32", shape: [3, 1] });
    rows.forEach((r, i) => expect(probability.data[i]).toBeCloseTo(expected(r), 5));

    const nested = await postJson(`${server.url}/v2/models/fraud/versions/1/infer`, {
      inputs: [{ name: "features", shape: [3, 10], datatype: "FP32", data: rows }],
      outputs: [{ name: "probability" }],
    });
    expect(nested.json.outputs).toHaveLength(1);
    expect(nested.json.outputs[0].data).toEqual(probability.data);
  });

  it("refuses wrong shape, dtype, input name and malformed JSON with 400, then keeps serving", async () => {
    const infer = `${server.url}/v2/models/fraud/infer`;
    const tensor = { name: "features", shape: [1, 10], datatype: "FP32", data: row(1) };
    const bad = [
      { inputs: [{ ...tensor, shape: [1, 9] }] },
      { inputs: [{ ...tensor, shape: [2, 10] }] },
      { inputs: [{ ...tensor, datatype: "FP64" }] },
      { inputs: [{ ...tensor, data: [...row(1).slice(1), "x"] }] },
      { inputs: [{ ...tensor, name: "other" }] },
      { inputs: [tensor], outputs: [{ name: "nope" }] },
      { instances: [row(1)] },
      "{not json",
    ];
    for (const body of bad) {
      const res = await postJson(infer, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.json.error).toBe("string");
    }
    expect((await postJson(infer, { inputs: [tensor] })).status).toBe(200);
  });

  it("answers 404 for an unknown model or version", async () => {
    const tensor = { name: "features", shape: [1, 10], datatype: "FP32", data: row(1) };
    const unknown = await postJson(`${server.url}/v2/models/other/infer`, { inputs: [tensor] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toContain('"other"');
    expect((await fetch(`${server.url}/v2/models/fraud/versions/7`)).status).toBe(404);
    expect((await fetch(`${server.url}/v2/models/other/ready`)).status).toBe(404);
  });
});
