/**
 * `kserve://` and `kserve+grpc://` against KServe's own Python ModelServer, serving
 * a custom model that publishes no tensor metadata (test/services/python-peers/kserve_model.py):
 * the URL names the input, and the model conformance suite passes.
 */
import { runModelConformance } from "@switchyard/conformance";
import { expect, it } from "vitest";
import { failure, open } from "../../packages/core/src/http-models/driver-fixture.js";
import { expected, row } from "../../packages/model-server/src/fixture.js";
import { describeService } from "../harness/suite.js";
import { KSERVE_GRPC_ENV, KSERVE_HTTP_ENV } from "../services/python-peers.js";

const rows = [row(1), row(2), row(3), row(4)];
const same = (a: unknown, b: unknown) => Math.abs(Number(a) - Number(b)) < 1e-6;
const signal = () => AbortSignal.timeout(30_000);

describeService("python-peers", "kserve:// drivers against KServe's Python ModelServer", (env) => {
  const http = (env[KSERVE_HTTP_ENV] ?? "").replace(/^http:\/\//, "");
  const grpc = env[KSERVE_GRPC_ENV] ?? "";
  const named = "?input=features&datatype=FP32";

  it("says how to name the input when the metadata lists no tensors", async () => {
    for (const url of [`kserve://${http}/fraud`, `kserve+grpc://${grpc}/fraud`]) {
      const driver = await open(url);
      await expect(driver.predict([row(1)], signal())).rejects.toThrow(
        /metadata lists no input tensors; name the input in the URL, e\.g\. \?input=features&datatype=FP32/,
      );
      expect(await failure(driver, driver.predict([row(1)], signal()))).toBe("FailedPrecondition");
      await driver.close();
    }
  });

  it("scores with the input named in the URL, over REST (JSON and binary) and gRPC", async () => {
    for (const url of [
      `kserve://${http}/fraud${named}`,
      `kserve://${http}/fraud${named}&binary=true`,
      `kserve+grpc://${grpc}/fraud${named}`,
    ]) {
      const driver = await open(url);
      const out = await driver.predict(rows, signal());
      rows.forEach((r, i) => expect(out[i], url).toBeCloseTo(expected(r), 5));
      await driver.probe!(signal());
      await driver.close();
    }
  });

  for (const [scheme, address] of [
    ["kserve", http],
    ["kserve+grpc", grpc],
  ] as const) {
    runModelConformance({
      name: `${scheme}:// against KServe's ModelServer`,
      client: null,
      probe: true,
      create: () => open(`${scheme}://${address}/fraud${named}`),
      createMissing: () => open(`${scheme}://${address}/no-such-model${named}`),
      inputs: rows,
      badInput: row(5).slice(0, 9),
      same,
    });
  }
});
