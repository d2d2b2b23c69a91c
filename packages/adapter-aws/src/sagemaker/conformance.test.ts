/**
 * Model conformance of `sagemaker://` against the project's model server on
 * its SageMaker runtime route (`/endpoints/{name}/invocations`), so inference
 * is real: JSON and CSV bodies, through InvokeEndpoint and SigV4 signing.
 */
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { runModelConformance } from "@switchyard/conformance";
import type { ModelDriver } from "@switchyard/core/driver";
import { afterAll, beforeAll } from "vitest";
import { row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/server.js";
import { useEmulatorCredentials } from "../../../../test/services/aws/node-emulator.js";
import { aws } from "../register.js";

let server: ModelServer | undefined;
beforeAll(async () => {
  useEmulatorCredentials();
  server = await startFixture();
});
afterAll(() => server?.close());

/** Opens `sagemaker://<name>?…` through the adapter, as a profile would. */
async function open(name: string, query: string): Promise<ModelDriver> {
  const handler = aws().schemes.find((s) => s.scheme === "sagemaker")!;
  const url = new URL(`sagemaker://${name}?region=us-east-1&endpoint=${server!.url}${query}`);
  return (await handler.create(url, { name: "conformance", baseDir: "." })) as ModelDriver;
}

for (const contentType of ["json", "csv"] as const) {
  runModelConformance({
    name: `sagemaker:// (${contentType}) against the model server`,
    client: SageMakerRuntimeClient,
    probe: false,
    create: () => open("fraud", `&contentType=${contentType}`),
    // The server serves one model, "fraud"; another name is a 404 from the runtime route.
    createMissing: () => open("no-such-endpoint", `&contentType=${contentType}`),
    inputs: [row(1), row(2), row(3), row(4)],
    // Nine features for a ten-feature model: the server answers 400.
    badInput: row(5).slice(0, 9),
    // Batched and single runs may differ in the last bits of a float32.
    same: (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6,
  });
}
