import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, open } from "./driver-fixture.js";

/**
 * A protocol-level test double of an Open Inference Protocol server, for answers
 * the real model server never gives: the model name `s<status>` makes `infer`
 * answer that status; `short` answers fewer rows than asked.
 */
function statusServer(): Server {
  return createServer((req, res) => {
    const name = /^\/v2\/models\/([^/]+)/.exec(req.url ?? "")?.[1] ?? "";
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on("end", () => {
      if (req.method === "GET") {
        return reply(200, { name, inputs: [{ name: "x", datatype: "FP32", shape: [-1, 2] }], outputs: [] });
      }
      if (name === "short") {
        return reply(200, { outputs: [{ name: "y", datatype: "FP32", shape: [2, 1], data: [0.1, 0.2] }] });
      }
      reply(Number(name.slice(1)), { error: `status ${name}` });
    });
  });
}

describe("HTTP status classification", () => {
  let server: Server;
  let host: string;
  beforeAll(async () => {
    server = statusServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases: [number, string][] = [
    [400, "InvalidArgument"],
    [401, "Unauthenticated"],
    [403, "PermissionDenied"],
    [404, "NotFound"],
    [413, "InvalidArgument"],
    [429, "ResourceExhausted"],
    [500, "Internal"],
    [501, "Unimplemented"],
    [502, "Unavailable"],
    [503, "Unavailable"],
    [504, "DeadlineExceeded"],
  ];
  it.each(cases)("maps %i to %s", async (status, code) => {
    const driver = await open(`kserve://${host}/s${status}`);
    expect(await failure(driver, driver.predict([[1, 2]], new AbortController().signal))).toBe(code);
  });

  it("returns the rows the server answered, never padding a short answer", async () => {
    const driver = await open(`kserve://${host}/short`);
    const out = await driver.predict(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      new AbortController().signal,
    );
    expect(out).toEqual([expect.closeTo(0.1, 5), expect.closeTo(0.2, 5)]);
  });
});
