import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, postJson, row, startFixture } from "../fixture.js";
import type { ModelServer } from "../server.js";

describe("SageMaker and MLflow /invocations", () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startFixture();
  });
  afterAll(() => server.close());

  it("answers the container health check on /ping", async () => {
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });

  it("takes a JSON array of rows and {instances} on the container and runtime paths", async () => {
    const rows = [row(1), row(2)];
    const array = await postJson(`${server.url}/invocations`, rows);
    expect(array.status).toBe(200);
    rows.forEach((r, i) => expect(array.json.predictions[i][0]).toBeCloseTo(expected(r), 5));
    const runtime = await postJson(`${server.url}/endpoints/fraud/invocations`, { instances: rows });
    expect(runtime.json).toEqual(array.json);
    expect((await postJson(`${server.url}/endpoints/other/invocations`, rows)).status).toBe(404);
  });

  it("answers CSV rows with CSV when asked", async () => {
    const rows = [row(3), row(4)];
    const res = await fetch(`${server.url}/invocations`, {
      method: "POST",
      headers: { "content-type": "text/csv", accept: "text/csv" },
      body: rows.map((r) => r.join(",")).join("\n"),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv");
    const lines = (await res.text()).trim().split("\n").map(Number);
    rows.forEach((r, i) => expect(lines[i]).toBeCloseTo(expected(r), 5));
  });

  it("refuses a CSV header row, an unknown content type and an unsupported Accept", async () => {
    const header = await fetch(`${server.url}/invocations`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: `${"abcdefghij".split("").join(",")}\n${row(1).join(",")}`,
    });
    expect(header.status).toBe(400);
    expect(((await header.json()) as { error: string }).error).toContain("header");
    const xml = await fetch(`${server.url}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "<rows/>",
    });
    expect(xml.status).toBe(415);
    expect(
      (await postJson(`${server.url}/invocations`, [row(1)], { accept: "application/xml" })).status,
    ).toBe(406);
  });

  it("takes MLflow's dataframe_split, instances and inputs formats", async () => {
    const rows = [row(8), row(9)];
    const columns = rows[0]!.map((_, i) => `f${i}`);
    const split = await postJson(`${server.url}/invocations`, { dataframe_split: { columns, data: rows } });
    expect(split.status).toBe(200);
    expect(split.json.predictions[1][0]).toBeCloseTo(expected(rows[1]!), 5);
    const instances = await postJson(`${server.url}/invocations`, { instances: rows });
    const inputs = await postJson(`${server.url}/invocations`, { inputs: { features: rows } });
    expect(instances.json).toEqual(split.json);
    expect(inputs.json).toEqual(split.json);
    const wrongColumns = await postJson(`${server.url}/invocations`, {
      dataframe_split: { columns: columns.slice(1), data: rows },
    });
    expect(wrongColumns.status).toBe(400);
    expect((await postJson(`${server.url}/invocations`, { dataframe_records: [{}] })).status).toBe(400);
  });
});
