/**
 * Model conformance of core's model drivers (`kserve://` with binary and with JSON
 * tensors, `kserve+grpc://`, `tfserving://`, `mlflow://`) against this server, on an ephemeral 127.0.0.1 port, serving the in-code
 * logistic-regression fixture model as `fraud`.
 */
import { httpModels } from "@switchyard/core";
import type { ModelDriver } from "@switchyard/core/driver";
import { runModelConformance } from "@switchyard/conformance";
import { afterAll, beforeAll } from "vitest";
import { row, startFixture } from "./fixture.js";
import type { ModelServer } from "./server.js";

let server: ModelServer | undefined;
beforeAll(async () => {
  server = await startFixture({ grpcPort: 0 });
});
afterAll(() => server?.close());

type Variant = "kserve" | "kserve?binary=false" | "kserve+grpc" | "tfserving" | "mlflow";

/** Opens `<scheme>://127.0.0.1:<port>/<model>[?query]` through the adapter, as a profile would. */
async function open(variant: Variant, model: string): Promise<ModelDriver> {
  const [scheme, query] = variant.split("?") as [string, string | undefined];
  const handler = httpModels().schemes.find((s) => s.scheme === scheme)!;
  const port = scheme === "kserve+grpc" ? server!.grpcPort : server!.port;
  // MLflow's scoring server serves one model: its URL names none.
  const path = scheme === "mlflow" ? "" : `/${model}`;
  const url = new URL(`${scheme}://127.0.0.1:${port}${path}${query === undefined ? "" : `?${query}`}`);
  return (await handler.create(url, { name: "conformance", baseDir: "." })) as ModelDriver;
}

const rows = [row(1), row(2), row(3), row(4)];
// Batched and single runs may differ in the last bits of a float32.
const same = (a: unknown, b: unknown) => Math.abs(Number(a) - Number(b)) < 1e-6;

for (const scheme of ["kserve", "kserve?binary=false", "kserve+grpc", "tfserving", "mlflow"] as const) {
  runModelConformance({
    name: `${scheme.replace(/^([^?]+)/, "$1://")} against the model server`,
    client: null,
    probe: true,
    create: () => open(scheme, "fraud"),
    ...(scheme === "mlflow" ? {} : { createMissing: () => open(scheme, "no-such-model") }),
    inputs: rows,
    // Nine features for a ten-feature model: the server answers 400.
    badInput: row(5).slice(0, 9),
    same,
  });
}
