import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/index.js";
import { failure, open } from "./driver-fixture.js";

const signal = () => new AbortController().signal;

describe("tfserving:// driver against the model server", () => {
  let server: ModelServer;
  let twoOutputs: ModelServer;
  beforeAll(async () => {
    server = await startFixture();
    twoOutputs = await startFixture({}, { withLogits: true });
  });
  afterAll(async () => {
    await server.close();
    await twoOutputs.close();
  });

  it("scores a batch: one output per input, in order", async () => {
    const driver = await open(`tfserving://127.0.0.1:${server.port}/fraud?version=1`);
    await driver.probe!(signal());
    const rows = [row(5), row(6)];
    const out = await driver.predict([rows[0], Float64Array.from(rows[1]!)], signal());
    expect(out).toHaveLength(2);
    rows.forEach((r, i) => expect(out[i]).toBeCloseTo(expected(r), 5));
  });

  it("returns every output by name, or the one chosen with ?output=", async () => {
    const url = `tfserving://127.0.0.1:${twoOutputs.port}/fraud`;
    const all = await (await open(url)).predict([row(7)], signal());
    expect(all[0]).toMatchObject({ probability: expect.any(Number), logits: expect.any(Number) });
    const one = await (await open(`${url}?output=logits`)).predict([row(7)], signal());
    expect(typeof one[0]).toBe("number");
  });

  it("classifies wrong input and an unknown model", async () => {
    const driver = await open(`tfserving://127.0.0.1:${server.port}/fraud`);
    expect(await failure(driver, driver.predict([row(1).slice(0, 3)], signal()))).toBe("InvalidArgument");
    const unknown = await open(`tfserving://127.0.0.1:${server.port}/other`);
    expect(await failure(unknown, unknown.probe!(signal()))).toBe("NotFound");
  });
});
