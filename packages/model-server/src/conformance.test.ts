/**
 * Model conformance of core's HTTP model drivers (`kserve://`, `tfserving://`)
 * against this server, on an ephemeral 127.0.0.1 port, serving the in-code
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
  server = await startFixture();
});
afterAll(() => server?.close());

/** Opens `<scheme>://127.0.0.1:<port>/<model>` through the adapter, as a profile would. */
async function open(scheme: "kserve" | "tfserving", model: string): Promise<ModelDriver> {
  const handler = httpModels().schemes.find((s) => s.scheme === scheme)!;
  const url = new URL(`${scheme}://127.0.0.1:${server!.port}/${model}`);
  return (await handler.create(url, { name: "conformance", baseDir: "." })) as ModelDriver;
}

const rows = [row(1), row(2), row(3), row(4)];
// Batched and single runs may differ in the last bits of a float32.
const same = (a: unknown, b: unknown) => Math.abs(Number(a) - Number(b)) < 1e-6;

for (const scheme of ["kserve", "tfserving"] as const) {
  runModelConformance({
    name: `${scheme}:// against the model server`,
    client: null,
    probe: true,
    create: () => open(scheme, "fraud"),
    createMissing: () => open(scheme, "no-such-model"),
    inputs: rows,
    // Nine features for a ten-feature model: the server answers 400.
    badInput: row(5).slice(0, 9),
    same,
  });
}
