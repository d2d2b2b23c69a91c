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
import { emulatorJar, grpcApiPatch } from "./pubsub-grpc-patch.js";

/** The variable tests (and Google's clients) read: `127.0.0.1:<port>`. */
export const PUBSUB_HOST_ENV = "PUBSUB_EMULATOR_HOST";

const BINARY = "platform/pubsub-emulator/bin/cloud-pubsub-emulator";
/** A small heap: the machines have two cores and little memory to spare. */
const JVM_OPTS = ["-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"];

async function install(): Promise<Unavailable | undefined> {
  const found = gcloudEmulator(BINARY, "pubsub-emulator");
  if ("reason" in found) return found;
  const jar = emulatorJar(found.path);
  const patch = jar === undefined ? { warning: "its jar was not found" } : grpcApiPatch(jar);
  if ("warning" in patch) {
    console.warn(
      `⚠ Pub/Sub emulator runs as shipped (${patch.warning}): it keeps leasing to killed consumers`,
    );
  }
  return undefined;
}

/** The command that runs the emulator: java with the grpc-api repair first on the class path, when there is one. */
function emulatorCommand(launcher: string): { command: string; args: string[]; env: Record<string, string> } {
  const jar = emulatorJar(launcher);
  const patch = jar === undefined ? undefined : grpcApiPatch(jar);
  if (jar === undefined || patch === undefined || !("path" in patch)) {
    return { command: launcher, args: [], env: { JAVA_OPTS: JVM_OPTS.join(" ") } };
  }
  const classPath = `${patch.path}:${jar}`;
  return {
    command: "java",
    args: [...JVM_OPTS, "-cp", classPath, "com.google.cloud.pubsub.testing.v1.Main"],
    env: {},
  };
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
  const { command, args, env } = emulatorCommand(found.path);
  const server = spawnService(command, [...args, "--host=127.0.0.1", `--port=${port}`], {
    logFile: join(dir, "pubsub.log"),
    cwd: dir,
    env,
  });
  try {
    await waitUntil(() => answers(port), {
      what: `Pub/Sub emulator on port ${port}`,
      timeoutMs: 120_000,
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
