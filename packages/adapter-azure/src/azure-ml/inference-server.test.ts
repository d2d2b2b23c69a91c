/**
 * `azureml://` against Microsoft's own scoring server,
 * `azureml-inference-server-http` (azmlinfsrv, installed by the test harness
 * from PyPI), running test/services/azureml-score.py: the model conformance
 * kit, and predictions equal to what the script computes. The server checks
 * no key (on Azure the endpoint's gateway does), so keys are covered by the
 * model server's tests.
 */
import { runModelConformance } from "@switchyard/conformance";
import type { ModelDriver } from "@switchyard/core/driver";
import { expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { expected, row } from "../../../model-server/src/fixture.js";
import { azure } from "../register.js";

describeService("azureml", "azureml:// against azureml-inference-server-http", (env) => {
  const base = new URL(env.SWITCHYARD_AZUREML_URL!);

  async function open(path: string): Promise<ModelDriver> {
    const handler = azure({ azureMl: { key: "unchecked" } }).schemes.find((s) => s.scheme === "azureml")!;
    const url = new URL(`azureml://${base.host}${path}`);
    return (await handler.create(url, { name: "inference-server", baseDir: "." })) as ModelDriver;
  }

  runModelConformance({
    name: "azureml:// against azmlinfsrv",
    client: null,
    probe: false,
    create: () => open("/score?tls=false&deployment=blue"),
    createMissing: () => open("/no-such-route?tls=false"),
    inputs: [row(1), row(2), row(3), row(4)],
    // Nine features for a ten-feature model: the scoring script answers 400.
    badInput: row(5).slice(0, 9),
    same: (a, b) => Math.abs(Number(a) - Number(b)) < 1e-9,
  });

  it("returns the scoring script's prediction for every row, in order", async () => {
    const driver = await open("/score?tls=false&maxBatch=8");
    try {
      const rows = Array.from({ length: 20 }, (_, i) => row(i));
      const got = await driver.predict(rows, AbortSignal.timeout(10_000));
      expect(got.map(Number)).toEqual(rows.map((r) => expect.closeTo(expected(r), 9)));
    } finally {
      await driver.close();
    }
  });
});
