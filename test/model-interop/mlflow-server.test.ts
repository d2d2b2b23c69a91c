/**
 * `mlflow://` against MLflow's own scoring server (`mlflow models serve` of a small
 * pyfunc model, test/services/python-peers/mlflow_model.py): scores, MLflow's error
 * message on bad input, and the model conformance suite.
 */
import { runModelConformance } from "@switchyard/conformance";
import { expect, it } from "vitest";
import { failure, open } from "../../packages/core/src/http-models/driver-fixture.js";
import { expected, row } from "../../packages/model-server/src/fixture.js";
import { describeService } from "../harness/suite.js";
import { MLFLOW_URL_ENV } from "../services/python-peers-mlflow.js";

const rows = [row(1), row(2), row(3), row(4)];
const signal = () => AbortSignal.timeout(30_000);

describeService("mlflow", "mlflow:// against MLflow's scoring server", (env) => {
  const url = (env[MLFLOW_URL_ENV] ?? "").replace(/^http:/, "mlflow:");

  it("scores a batch in order and passes on MLflow's message for bad input", async () => {
    const driver = await open(url);
    await driver.probe!(signal());
    const out = await driver.predict(rows, signal());
    rows.forEach((r, i) => expect(out[i]).toBeCloseTo(expected(r), 9));
    await expect(driver.predict([row(1).slice(0, 9)], signal())).rejects.toThrow(/answered 400: .+/);
    expect(await failure(driver, driver.predict([row(1).slice(0, 9)], signal()))).toBe("InvalidArgument");
    await driver.close();
  });

  runModelConformance({
    name: "mlflow:// against MLflow's scoring server",
    client: null,
    probe: true,
    create: () => open(url),
    inputs: rows,
    badInput: row(5).slice(0, 9),
    // numpy's matrix product of a batch and of one row may differ in the last bit.
    same: (a, b) => Math.abs(Number(a) - Number(b)) < 1e-12,
  });
});
