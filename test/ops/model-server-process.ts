/**
 * The project's model server as a process of its own (`switchyard-model-server`
 * from source), serving the fixture model named `fraud`, so that a test can kill
 * it as a crash would and start it again on the same port.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WEIGHTS } from "../../packages/model-server/src/fixture.js";
import { writeTestModel } from "../../packages/model-server/src/test-model.js";
import { waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";

const BIN = fileURLToPath(new URL("../../packages/model-server/src/bin.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Writes the fixture model (10 features, logistic regression) into `dir`; returns its path. */
export function writeFixtureModel(dir: string): Promise<string> {
  return writeTestModel(join(dir, "fraud.onnx"), { weights: WEIGHTS });
}

/** Starts the model server on 127.0.0.1:`port` serving `model` as `fraud`, and waits until it is ready. */
export async function launchModelServer(model: string, port: number, dir: string): Promise<ServiceProcess> {
  const server = spawnService(
    process.execPath,
    ["--import", TSX_LOADER, BIN, model, "--port", String(port), "--name", "fraud"],
    { logFile: join(dir, "model-server.log"), cwd: dir },
  );
  try {
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/v2/health/ready`)).status === 200, {
      what: `model server on port ${port}`,
      timeoutMs: 60_000,
      intervalMs: 200,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
