import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, postJson, row, startFixture } from "../fixture.js";
import type { ModelServer } from "../server.js";

describe("Azure ML online endpoint", () => {
  let server: ModelServer;
  const key = "endpoint-key-1";
  const auth = { authorization: `Bearer ${key}` };
  beforeAll(async () => {
    server = await startFixture({ azureKey: key });
  });
  afterAll(() => server.close());

  it("answers liveness on /", async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(200);
  });

  it("refuses /score without the key or with a wrong one, with 401", async () => {
    const none = await postJson(`${server.url}/score`, { data: [row(1)] });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(
      (await postJson(`${server.url}/score`, { data: [row(1)] }, { authorization: "Bearer nope" })).status,
    ).toBe(401);
  });

  it("scores input_data in split orientation, as rows, and the data shape", async () => {
    const rows = [row(2), row(3)];
    const headers = { ...auth, "azureml-model-deployment": "blue" };
    const split = await postJson(
      `${server.url}/score`,
      { input_data: { columns: rows[0]!.map((_, i) => `f${i}`), index: [0, 1], data: rows } },
      headers,
    );
    expect(split.status).toBe(200);
    rows.forEach((r, i) => expect(split.json[i][0]).toBeCloseTo(expected(r), 5));
    expect((await postJson(`${server.url}/score`, { input_data: rows }, headers)).json).toEqual(split.json);
    expect((await postJson(`${server.url}/score`, { input_data: { features: rows } }, headers)).json).toEqual(
      split.json,
    );
    expect((await postJson(`${server.url}/score`, { data: rows }, headers)).json).toEqual(split.json);
    expect((await postJson(`${server.url}/score`, { rows }, headers)).status).toBe(400);
  });
});
