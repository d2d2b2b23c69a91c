import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/index.js";
import { redactUrl } from "../config/redact.js";
import { failure, open } from "./driver-fixture.js";

const signal = () => AbortSignal.timeout(20_000);

/** A recording proxy in front of the model server: what headers each request arrived with. */
function recordingProxy(
  target: number,
): Promise<{ server: Server; port: number; seen: { path: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    const upstream = request(
      {
        host: "127.0.0.1",
        port: target,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: `127.0.0.1:${target}` },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.address() as AddressInfo).port, seen }),
    ),
  );
}

describe("kserve:// URL parameters", () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startFixture({ grpcPort: 0 }, { withLogits: true });
  });
  afterAll(() => server.close());

  it("checks input, datatype and output parameters against the metadata", async () => {
    for (const scheme of ["kserve", "kserve+grpc"]) {
      const port = scheme === "kserve" ? server.port : server.grpcPort;
      const base = `${scheme}://127.0.0.1:${port}/fraud`;
      const matching = await open(`${base}?input=features&datatype=fp32&output=probability`);
      expect((await matching.predict([row(1)], signal()))[0]).toBeCloseTo(expected(row(1)), 5);
      const cases: [string, RegExp][] = [
        ["?input=x", /\?input=x does not match the model's input "features"/],
        ["?datatype=FP64", /\?datatype=FP64 does not match input "features", which is FP32/],
        ["?output=nope", /\?output=nope is not one of the model's outputs \(probability, logits\)/],
      ];
      for (const [query, message] of cases) {
        const driver = await open(`${base}${query}`);
        await expect(driver.predict([row(1)], signal())).rejects.toThrow(message);
        expect(await failure(driver, driver.predict([row(1)], signal()))).toBe("FailedPrecondition");
        await driver.close();
      }
    }
  });

  it("sends Host and a bearer token from the URL, uses binary tensors when the server lists them, and redacts the token", async () => {
    const proxy = await recordingProxy(server.port);
    try {
      const url = `kserve://127.0.0.1:${proxy.port}/fraud?host=fraud.models.example.com&token=s3cret&output=probability`;
      const driver = await open(url);
      const out = await driver.predict([row(2), row(3)], signal());
      expect(out[0]).toBeCloseTo(expected(row(2)), 5);
      expect(out[1]).toBeCloseTo(expected(row(3)), 5);
      const infer = proxy.seen.find((s) => s.path.endsWith("/infer"))!;
      for (const { headers } of proxy.seen) {
        expect(headers.host).toBe("fraud.models.example.com");
        expect(headers.authorization).toBe("Bearer s3cret");
      }
      expect(infer.headers["inference-header-content-length"]).toMatch(/^\d+$/);
      const json = await open(`kserve://127.0.0.1:${proxy.port}/fraud?binary=false&output=probability`);
      expect((await json.predict([row(2)], signal()))[0]).toBeCloseTo(expected(row(2)), 5);
      expect(proxy.seen.at(-1)!.headers["inference-header-content-length"]).toBeUndefined();
      expect(redactUrl(url)).not.toContain("s3cret");
    } finally {
      proxy.server.close();
    }
  });

  it("classifies a deadline as DeadlineExceeded when a Host override sends through node:http", async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const driver = await open(`kserve://127.0.0.1:${port}/fraud?host=fraud.example.com&timeoutMs=200`);
      expect(await failure(driver, driver.probe!(signal()))).toBe("DeadlineExceeded");
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
