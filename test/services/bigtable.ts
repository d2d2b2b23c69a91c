/**
 * The Bigtable emulator for tests: gcloud's `cbtemulator`, in memory, started
 * on 127.0.0.1 with a free port. Tests reach it through
 * `BIGTABLE_EMULATOR_HOST`, which Google's clients read themselves.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { makeRunDir } from "../harness/paths.js";
import { freePort, probeTcp, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";
import { gcloudEmulator } from "./gcloud-sdk.js";

/** The variable tests (and Google's clients) read: `127.0.0.1:<port>`. */
export const BIGTABLE_HOST_ENV = "BIGTABLE_EMULATOR_HOST";

const BINARY = "platform/bigtable-emulator/cbtemulator";

async function install(): Promise<Unavailable | undefined> {
  const found = gcloudEmulator(BINARY, "bigtable-emulator");
  return "reason" in found ? found : undefined;
}

async function startLocal(): Promise<RunningService> {
  const found = gcloudEmulator(BINARY, "bigtable-emulator");
  if ("reason" in found) throw new Error(found.reason);
  const port = await freePort();
  const dir = makeRunDir("bigtable");
  let server: ServiceProcess | undefined;
  try {
    server = spawnService(found.path, ["-host", "127.0.0.1", "-port", String(port)], {
      logFile: join(dir, "bigtable.log"),
      cwd: dir,
    });
    const started = server;
    await waitUntil(() => probeTcp(port), {
      what: `Bigtable emulator on port ${port}`,
      timeoutMs: 90_000,
      failFast: () => (started.running() ? undefined : `exited early:\n${started.logTail()}`),
    });
  } catch (err) {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = server;
  const stop = async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  // Without a metadata server to ask, Google's auth library would probe for one on every client.
  return { env: { [BIGTABLE_HOST_ENV]: `127.0.0.1:${port}`, METADATA_SERVER_DETECTION: "none" }, stop };
}

async function startDocker(): Promise<RunningService> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer("gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators")
    .withExposedPorts(8086)
    .withCommand(["gcloud", "beta", "emulators", "bigtable", "start", "--host-port=0.0.0.0:8086"])
    .withWaitStrategy(Wait.forLogMessage("running on"))
    .start();
  return {
    env: { [BIGTABLE_HOST_ENV]: `${container.getHost()}:${container.getMappedPort(8086)}` },
    stop: async () => {
      await container.stop();
    },
  };
}

/** The Bigtable emulator service definition. */
export const bigtable: ServiceDefinition = { name: "bigtable", install, startLocal, startDocker };
