/**
 * Event Hubs for tests: the project's protocol-level double of the service
 * (test/eventhubs-double, on rhea) run as a local process on free loopback
 * ports; or, with Docker, Microsoft's Event Hubs emulator image (which needs
 * an Azurite container beside it). Tests create hubs through
 * {@link createHub}: the double's control API, or for the image its fixed
 * configuration.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, makeRunDir } from "../harness/paths.js";
import { freePort, probeTcp, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The variable tests read: a development-emulator connection string (no EntityPath). */
export const EVENTHUBS_CONNECTION_ENV = "SWITCHYARD_EVENTHUBS_CONNECTION_STRING";
/** The variable tests read: the double's control API, `http://127.0.0.1:<port>`. */
export const EVENTHUBS_CONTROL_ENV = "SWITCHYARD_EVENTHUBS_CONTROL_URL";

const MAIN = join(REPO_ROOT, "test", "eventhubs-double", "main.ts");
const TSX = join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** The connection string of a double listening on `port`. */
export function doubleConnectionString(port: number): string {
  return `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=double;SharedAccessKey=double;UseDevelopmentEmulator=true`;
}

/** Creates hub `name` with `partitions` partitions through the control API at `controlUrl`. */
export async function createHub(controlUrl: string, name: string, partitions: number): Promise<void> {
  const res = await fetch(`${controlUrl}/hubs/${encodeURIComponent(name)}?partitions=${partitions}`, {
    method: "PUT",
  });
  if (res.status !== 201) throw new Error(`creating hub ${name}: HTTP ${res.status} ${await res.text()}`);
}

/** Deletes hub `name` through the control API; a missing hub is not an error. */
export async function deleteHub(controlUrl: string, name: string): Promise<void> {
  await fetch(`${controlUrl}/hubs/${encodeURIComponent(name)}`, { method: "DELETE" });
}

async function install(): Promise<Unavailable | undefined> {
  try {
    await import("rhea");
    return undefined;
  } catch {
    return { reason: "rhea is not installed: run npm install at the repository root" };
  }
}

/**
 * Starts the double as a process on `amqpPort` and `controlPort` (free ones
 * when 0) with its log in `dir`, and waits until both answer. With
 * `dataFile`, it keeps its hubs and events there, so a double started again
 * on the same file serves them again.
 */
export async function launchDouble(
  dir: string,
  amqpPort: number,
  controlPort: number,
  dataFile?: string,
): Promise<ServiceProcess> {
  const args = [TSX, MAIN, "--port", String(amqpPort), "--control-port", String(controlPort)];
  if (dataFile !== undefined) args.push("--data", dataFile);
  const server = spawnService(process.execPath, args, { logFile: join(dir, "eventhubs.log"), cwd: dir });
  try {
    await waitUntil(async () => (await probeTcp(amqpPort)) && (await probeTcp(controlPort)), {
      what: `Event Hubs double on ports ${amqpPort}/${controlPort}`,
      timeoutMs: 90_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function startLocal(): Promise<RunningService> {
  const dir = makeRunDir("eventhubs");
  const [amqpPort, controlPort] = [await freePort(), await freePort()];
  let server: ServiceProcess;
  try {
    server = await launchDouble(dir, amqpPort, controlPort);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    env: {
      [EVENTHUBS_CONNECTION_ENV]: doubleConnectionString(amqpPort),
      [EVENTHUBS_CONTROL_ENV]: `http://127.0.0.1:${controlPort}`,
    },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Event Hubs service definition (the double; no Docker back end yet, see docs/emulators.md). */
export const eventhubs: ServiceDefinition = { name: "eventhubs", install, startLocal };
