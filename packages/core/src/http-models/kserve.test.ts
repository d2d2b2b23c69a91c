import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, inflight, row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/index.js";
import { failure, open } from "./driver-fixture.js";

const signal = () => new AbortController().signal;

describe("kserve:// driver against the model server", () => {
  let server: ModelServer;
  let twoOutputs: ModelServer;
  let host: string;
  beforeAll(async () => {
    server = await startFixture();
    twoOutputs = await startFixture({}, { withLogits: true });
    host = `127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await twoOutputs.close();
  });

  it("scores a batch: one output per input, in order, from arrays or typed arrays", async () => {
    const driver = await open(`kserve://${host}/fraud`);
    const rows = [row(1), row(2), row(3)];
    const out = await driver.predict([rows[0], Float32Array.from(rows[1]!), rows[2]], signal());
    expect(out).toHaveLength(3);
    rows.forEach((r, i) => expect(out[i]).toBeCloseTo(expected(r), 5));
    expect(await driver.predict([], signal())).toEqual([]);
    await driver.probe!(signal());
    await driver.close();
  });

  it("returns every output by name, or the one chosen with ?output=", async () => {
    const url = `kserve://127.0.0.1:${twoOutputs.port}/fraud`;
    const all = await (await open(url)).predict([row(4)], signal());
    expect(all[0]).toMatchObject({ probability: expect.any(Number), logits: expect.any(Number) });
    const one = await (await open(`${url}?output=probability&version=1`)).predict([row(4)], signal());
    expect(one[0]).toBeCloseTo(expected(row(4)), 5);
  });

  it("classifies wrong input, unknown model and version, and a refused connection", async () => {
    const driver = await open(`kserve://${host}/fraud`);
    expect(await failure(driver, driver.predict([row(1).slice(0, 9)], signal()))).toBe("InvalidArgument");
    expect(await failure(driver, driver.predict([row(1), row(2).slice(1)], signal()))).toBe(
      "InvalidArgument",
    );
    expect(await failure(driver, driver.predict([["x"]], signal()))).toBe("InvalidArgument");
    const unknown = await open(`kserve://${host}/other`);
    expect(await failure(unknown, unknown.predict([row(1)], signal()))).toBe("NotFound");
    expect(await failure(unknown, unknown.probe!(signal()))).toBe("NotFound");
    const version = await open(`kserve://${host}/fraud?version=9`);
    expect(await failure(version, version.predict([row(1)], signal()))).toBe("NotFound");

    const gone = await startFixture();
    const port = gone.port;
    await gone.close();
    const refused = await open(`kserve://127.0.0.1:${port}/fraud`);
    expect(await failure(refused, refused.predict([row(1)], signal()))).toBe("Unavailable");
  });

  it("classifies a full server queue as Unavailable and a slow answer past timeoutMs as DeadlineExceeded", async () => {
    const slow = await startFixture({ maxQueue: 1, maxDelayMs: 300 });
    try {
      const driver = await open(`kserve://127.0.0.1:${slow.port}/fraud`);
      await driver.probe!(signal());
      const first = driver.predict([row(1)], signal());
      await inflight(slow.url, 1);
      expect(await failure(driver, driver.predict([row(2)], signal()))).toBe("Unavailable");
      expect(await first).toHaveLength(1);
      const hurried = await open(`kserve://127.0.0.1:${slow.port}/fraud?timeoutMs=50`);
      await hurried.probe!(signal());
      expect(await failure(hurried, hurried.predict([row(3)], signal()))).toBe("DeadlineExceeded");
    } finally {
      await slow.close();
    }
  });

  it("reports cancellation by the caller as Canceled", async () => {
    const driver = await open(`kserve://${host}/fraud`);
    const controller = new AbortController();
    controller.abort();
    expect(await failure(driver, driver.predict([row(1)], controller.signal))).toBe("Canceled");
  });
});
