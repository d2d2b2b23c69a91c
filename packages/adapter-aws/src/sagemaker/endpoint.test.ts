/**
 * The SageMaker driver against the project's model server: what InvokeEndpoint
 * sends besides the body (custom attributes, target variant), where the
 * endpoint comes from, and how failures become portable codes.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ModelError,
  SageMakerRuntimeServiceException,
  ServiceUnavailable,
  ValidationError,
} from "@aws-sdk/client-sagemaker-runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expected, row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/server.js";
import { useEmulatorCredentials } from "../../../../test/services/aws/node-emulator.js";
import { freePort } from "../../../../test/harness/ports.js";
import { SageMakerEndpoint } from "./endpoint.js";
import { parseSageMakerUrl } from "./options.js";

let server: ModelServer;
const drivers: SageMakerEndpoint[] = [];
beforeAll(async () => {
  useEmulatorCredentials();
  server = await startFixture();
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

function open(url: string, env: NodeJS.ProcessEnv = {}): SageMakerEndpoint {
  const driver = new SageMakerEndpoint(parseSageMakerUrl(new URL(url), env));
  drivers.push(driver);
  return driver;
}

const signal = () => AbortSignal.timeout(10_000);

/** A pass-through proxy to the model server that keeps the headers of each request. */
async function recordingProxy(
  target: string,
): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const proxy = createServer((req, res) => {
    seen.push(req.headers);
    const upstream = request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, seen, server: proxy };
}

describe("sagemaker:// InvokeEndpoint", () => {
  it("scores CSV rows with a CSV answer and JSON rows with a JSON answer alike", async () => {
    const inputs = [row(1), row(2), row(3)];
    const csv = await open(`sagemaker://fraud?endpoint=${server.url}&contentType=text/csv`).predict(
      inputs,
      signal(),
    );
    const json = await open(`sagemaker://fraud?endpoint=${server.url}&accept=json&contentType=csv`).predict(
      inputs,
      signal(),
    );
    inputs.forEach((input, i) => {
      expect(csv[i]).toBeCloseTo(expected(input), 5);
      expect(json[i]).toBeCloseTo(expected(input), 5);
    });
  });

  it("sends the custom attributes and target variant to the endpoint", async () => {
    const proxy = await recordingProxy(server.url);
    try {
      const driver = open(
        `sagemaker://fraud?endpoint=${proxy.url}&customAttributes=${encodeURIComponent("trace=7,tenant=a")}&targetVariant=blue`,
      );
      const [score] = await driver.predict([row(4)], signal());
      expect(score).toBeCloseTo(expected(row(4)), 5);
      expect(proxy.seen[0]?.["x-amzn-sagemaker-custom-attributes"]).toBe("trace=7,tenant=a");
      expect(proxy.seen[0]?.["x-amzn-sagemaker-target-variant"]).toBe("blue");
      // Signed as SageMaker runtime calls are, so a real endpoint would take it.
      expect(proxy.seen[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 .*\/sagemaker\/aws4_request/);
    } finally {
      proxy.server.close();
    }
  });

  it("takes its endpoint from AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME, then AWS_ENDPOINT_URL", async () => {
    const specific = open("sagemaker://fraud?region=us-east-1", {
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: server.url,
    });
    const general = open("sagemaker://fraud?region=us-east-1", { AWS_ENDPOINT_URL: server.url });
    expect(await specific.predict([row(5)], signal())).toEqual(await general.predict([row(5)], signal()));
  });

  it("reports a full model server (503) and an unreachable one as Unavailable", async () => {
    const busy = await startFixture({ maxQueue: 1, maxDelayMs: 200 });
    try {
      const driver = open(`sagemaker://fraud?endpoint=${busy.url}`);
      const calls = await Promise.allSettled([1, 2, 3, 4].map((n) => driver.predict([row(n)], signal())));
      const refused = calls.filter((c) => c.status === "rejected");
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) expect(driver.errorCode(r.reason)).toBe("Unavailable");
    } finally {
      await busy.close();
    }
    const closed = open(`sagemaker://fraud?endpoint=http://127.0.0.1:${await freePort()}`);
    const failure = await closed.predict([row(1)], signal()).catch((err: unknown) => err);
    expect(closed.errorCode(failure)).toBe("Unavailable");
  });

  it("refuses an input that is not numbers with InvalidArgument, before any call", async () => {
    const driver = open(`sagemaker://fraud?endpoint=${server.url}`);
    await expect(driver.predict([{ amount: 3 }], signal())).rejects.toMatchObject({
      code: "InvalidArgument",
    });
  });
});

describe("SageMaker errors as portable codes", () => {
  const driver = new SageMakerEndpoint(parseSageMakerUrl(new URL("sagemaker://fraud?region=us-east-1"), {}));
  afterAll(() => driver.close());
  const meta = { $metadata: {} };

  it("maps throttling to ResourceExhausted and server faults to Unavailable", () => {
    const throttled = new SageMakerRuntimeServiceException({
      name: "ThrottlingException",
      $fault: "client",
      message: "Rate exceeded",
      $metadata: { httpStatusCode: 400 },
    });
    expect(driver.errorCode(throttled)).toBe("ResourceExhausted");
    expect(driver.errorCode(new ServiceUnavailable({ message: "down", ...meta }))).toBe("Unavailable");
    expect(driver.errorCode(new ModelError({ message: "boom", OriginalStatusCode: 500, ...meta }))).toBe(
      "Unavailable",
    );
    expect(driver.errorCode(new ModelError({ message: "busy", OriginalStatusCode: 429, ...meta }))).toBe(
      "ResourceExhausted",
    );
  });

  it("maps a container's refusal to InvalidArgument and a missing endpoint to NotFound", () => {
    expect(driver.errorCode(new ModelError({ message: "bad row", OriginalStatusCode: 400, ...meta }))).toBe(
      "InvalidArgument",
    );
    const missing = new ValidationError({
      message: "Endpoint fraud of account 123456789012 not found.",
      ...meta,
    });
    expect(driver.errorCode(missing)).toBe("NotFound");
    expect(driver.errorCode(new ValidationError({ message: "Body too large", ...meta }))).toBe(
      "InvalidArgument",
    );
  });
});
