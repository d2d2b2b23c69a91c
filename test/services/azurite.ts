/**
 * Azure Blob Storage for tests: Azurite's blob service (the `azurite` npm
 * package, a root devDependency) on a free loopback port, in memory; or the
 * Azurite image with Docker. Event Hubs checkpoints and ownership go here.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, makeRunDir } from "../harness/paths.js";
import { freePort, probeTcp, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The variable tests read: a storage connection string for the blob endpoint. */
export const AZURITE_CONNECTION_ENV = "SWITCHYARD_AZURITE_CONNECTION_STRING";

const BIN = join(REPO_ROOT, "node_modules", "azurite", "dist", "src", "blob", "main.js");
/** Azurite's well-known development account and key (public, documented by Microsoft). */
const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** The blob connection string of an Azurite listening on `port`. */
export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
}

async function install(): Promise<Unavailable | undefined> {
  return existsSync(BIN)
    ? undefined
    : { reason: "azurite is not installed: run npm install at the repository root" };
}

/**
 * Starts Azurite's blob service on `port` with its files in `dir` and waits
 * until it listens. Blobs are kept in memory unless `persist` is set: then in
 * `dir`, so an Azurite started again on the same `dir` serves them again.
 */
export async function launchAzurite(dir: string, port: number, persist = false) {
  const args = [
    BIN,
    "--blobHost",
    "127.0.0.1",
    "--blobPort",
    String(port),
    ...(persist ? ["--location", dir] : ["--inMemoryPersistence"]),
    "--silent",
    "--disableTelemetry",
    // Without it, every call from a newer SDK than Azurite knows fails with 400.
    "--skipApiVersionCheck",
  ];
  const server = spawnService(process.execPath, args, { logFile: join(dir, "azurite.log"), cwd: dir });
  try {
    await waitUntil(() => probeTcp(port), {
      what: `azurite on port ${port}`,
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
  const dir = makeRunDir("azurite");
  const port = await freePort();
  try {
    const server = await launchAzurite(dir, port);
    return {
      env: { [AZURITE_CONNECTION_ENV]: azuriteConnectionString(port) },
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startDocker(): Promise<RunningService> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer("mcr.microsoft.com/azure-storage/azurite:3.35.0")
    .withExposedPorts(10000)
    .withCommand(["azurite-blob", "--blobHost", "0.0.0.0", "--inMemoryPersistence", "--skipApiVersionCheck"])
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  const connection = azuriteConnectionString(container.getMappedPort(10000)).replace(
    "127.0.0.1",
    container.getHost(),
  );
  return { env: { [AZURITE_CONNECTION_ENV]: connection }, stop: async () => void (await container.stop()) };
}

/** The Azurite (blob) service definition. */
export const azurite: ServiceDefinition = { name: "azurite", install, startLocal, startDocker };
