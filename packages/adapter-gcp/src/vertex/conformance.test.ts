/**
 * Model conformance of `vertex://` against the project's model server on its
 * Vertex AI route (the public `:predict` path), on an ephemeral 127.0.0.1 port:
 * a loopback host, so no access token is sent.
 */
import { GoogleAuth } from "google-auth-library";
import { runModelConformance } from "@switchyard/conformance";
import type { ModelDriver } from "@switchyard/core/driver";
import { afterAll, beforeAll } from "vitest";
import { row, startFixture } from "../../../model-server/src/fixture.js";
import type { ModelServer } from "../../../model-server/src/server.js";
import { gcp } from "../register.js";

let server: ModelServer | undefined;
beforeAll(async () => {
  server = await startFixture();
});
afterAll(() => server?.close());

async function open(query: string): Promise<ModelDriver> {
  const handler = gcp().schemes.find((s) => s.scheme === "vertex")!;
  const url = new URL(
    `vertex://my-project/us-central1/1234567890?host=127.0.0.1:${server!.port}&tls=false&${query}`,
  );
  return (await handler.create(url, { name: "conformance", baseDir: "." })) as ModelDriver;
}

runModelConformance({
  name: "vertex:// against the model server",
  client: GoogleAuth,
  probe: false,
  create: () => open("parameters=%7B%22threshold%22%3A0.5%7D"),
  // The model server serves Vertex's v1 API only: a v1beta1 path is a route it does not have (404).
  createMissing: () => open("apiVersion=v1beta1"),
  inputs: [row(1), row(2), row(3), row(4)],
  // Nine features for a ten-feature model: the server answers 400.
  badInput: row(5).slice(0, 9),
  same: (a, b) => Math.abs(Number(a) - Number(b)) < 1e-6,
});
