/**
 * The Pub/Sub emulator for tests: gcloud's `cloud-pubsub-emulator` (Java),
 * started on 127.0.0.1 with a free port and its data in a run directory. Its
 * state lives only as long as the process. Tests reach it through
 * `PUBSUB_EMULATOR_HOST`, which Google's clients read themselves.
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
export const PUBSUB_HOST_ENV = "PUBSUB_EMULATOR_HOST";

const BINARY = "platform/pubsub-emulator/bin/cloud-pubsub-emulator";

async function install(): Promise<Unavailable | undefined> {
  const found = gcloudEmulator(BINARY, "pubsub-emulator");
  return "reason" in found ? found : undefined;
}

/** Whether the emulator on `port` answers its health check (`GET /` → `Ok`). */
function answers(port: number): Promise<boolean> {
  return probeTcp(port, {
    request: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    expect: "HTTP/1.1 200",
  });
}

/**
 * Starts the Pub/Sub emulator on 127.0.0.1:`port` with its files in `dir` and
 * waits until it answers. Launched again on the same port it starts empty: the
 * emulator keeps nothing across restarts.
 */
export async function launchPubSub(port: number, dir: string): Promise<ServiceProcess> {
  const found = gcloudEmulator(BINARY, "pubsub-emulator");
  if ("reason" in found) throw new Error(found.reason);
  const server = spawnService(found.path, ["--host=127.0.0.1", `--port=${port}`], {
    logFile: join(dir, "pubsub.log"),
    cwd: dir,
    // A small heap: the machines have two cores and little memory to spare.
    env: { JAVA_OPTS: "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1" },
  });
  try {
    await waitUntil(() => answers(port), {
      what: `Pub/Sub emulator on port ${port}`,
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

async function startLocal(): Promise<RunningService> {
  const port = await freePort();
  const dir = makeRunDir("pubsub");
  let server: ServiceProcess;
  try {
    server = await launchPubSub(port, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  // Without a metadata server to ask, Google's auth library would probe for one on every client.
  return { env: { [PUBSUB_HOST_ENV]: `127.0.0.1:${port}`, METADATA_SERVER_DETECTION: "none" }, stop };
}

async function startDocker(): Promise<RunningService> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer("gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators")
    .withExposedPorts(8085)
    .withCommand(["gcloud", "beta", "emulators", "pubsub", "start", "--host-port=0.0.0.0:8085"])
    .withWaitStrategy(Wait.forLogMessage("Server started"))
    .start();
  return {
    env: { [PUBSUB_HOST_ENV]: `${container.getHost()}:${container.getMappedPort(8085)}` },
    stop: async () => {
      await container.stop();
    },
  };
}

/** The Pub/Sub emulator service definition. */
export const pubsub: ServiceDefinition = { name: "pubsub", install, startLocal, startDocker };
