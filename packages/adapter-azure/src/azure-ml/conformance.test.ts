/**
 * Model conformance of `azureml://` against the project's model server on its
 * Azure ML `/score` route, with a key, on an ephemeral 127.0.0.1 port.
 */
import { runModelConformance } from "@switchyard/conformance";
import type { ModelDriver } from "@switchyard/core/driver";
import { afterAll, beforeAll, expect, it } from "vitest";
import { row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/server.js";
import { azure } from "../register.js";

const KEY = "test-endpoint-key";
let server: ModelServer | undefined;
beforeAll(async () => {
  server = await startFixture({ azureKey: KEY });
});
afterAll(() => server?.close());

async function open(path: string, key = KEY): Promise<ModelDriver> {
  const handler = azure({ azureMl: { key } }).schemes.find((s) => s.scheme === "azureml")!;
  const url = new URL(`azureml://127.0.0.1:${server!.port}${path}`);
  return (await handler.create(url, { name: "conformance", baseDir: "." })) as ModelDriver;
}

runModelConformance({
  name: "azureml:// against the model server",
  client: null,
  probe: false,
  create: () => open("/score?tls=false&deployment=blue"),
  createMissing: () => open("/no-such-route?tls=false"),
  inputs: [row(1), row(2), row(3), row(4)],
  // Nine features for a ten-feature model: the server answers 400.
  badInput: row(5).slice(0, 9),
  same: (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6,
});

it("is refused with Unauthenticated without the endpoint's key", async () => {
  const driver = await open("/score?tls=false", "wrong-key");
  const failure = await driver.predict([row(1)], AbortSignal.timeout(5000)).catch((err: unknown) => err);
  expect(driver.errorCode(failure)).toBe("Unauthenticated");
});
