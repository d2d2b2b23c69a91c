/**
 * Cosmos DB for tests: @vercel/cosmosdb-server (a root devDependency), an
 * in-memory server of the Cosmos DB SQL API, over plain HTTP on a free
 * loopback port. Its gaps (no TTL expiry, queries not scoped to a partition
 * key, no transactional batch) are listed in docs/adapters/azure.md.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, makeRunDir } from "../harness/paths.js";
import { freePort, probeTcp, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The variable tests read: `AccountEndpoint=http://127.0.0.1:<port>/;AccountKey=…`. */
export const COSMOS_CONNECTION_ENV = "SWITCHYARD_COSMOS_CONNECTION_STRING";

const BIN = join(REPO_ROOT, "node_modules", "@vercel", "cosmosdb-server", "lib", "cli.js");
/** The Cosmos DB emulator's well-known key (public); cosmosdb-server checks no key at all. */
const KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

async function install(): Promise<Unavailable | undefined> {
  return existsSync(BIN)
    ? undefined
    : { reason: "@vercel/cosmosdb-server is not installed: run npm install at the repository root" };
}

/**
 * Starts cosmosdb-server on `port` (plain HTTP) with its log in `dir`, and waits
 * until it listens: the shared service, and tests that kill a server of their own.
 */
export async function launchCosmos(port: number, dir: string): Promise<ServiceProcess> {
  const server = spawnService(
    process.execPath,
    [BIN, "--port", String(port), "--host", "127.0.0.1", "--no-ssl"],
    { logFile: join(dir, "cosmos.log"), cwd: dir },
  );
  try {
    await waitUntil(() => probeTcp(port), {
      what: `cosmosdb-server on port ${port}`,
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
  const dir = makeRunDir("cosmos");
  const port = await freePort();
  let server: ServiceProcess;
  try {
    server = await launchCosmos(port, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    env: { [COSMOS_CONNECTION_ENV]: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${KEY};` },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Cosmos DB (cosmosdb-server) service definition. */
export const cosmos: ServiceDefinition = { name: "cosmos", install, startLocal };
