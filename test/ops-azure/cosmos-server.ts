/**
 * A cosmosdb-server of a test's own on a given port, for tests that kill it
 * (the harness's shared one must stay up for other files).
 */
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.js";
import { probeTcp, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";

const BIN = join(REPO_ROOT, "node_modules", "@vercel", "cosmosdb-server", "lib", "cli.js");

/** Starts cosmosdb-server on `port` (plain HTTP) with its log in `dir`, and waits until it listens. */
export async function launchCosmos(port: number, dir: string): Promise<ServiceProcess> {
  const server = spawnService(
    process.execPath,
    [BIN, "--port", String(port), "--host", "127.0.0.1", "--no-ssl"],
    { logFile: join(dir, "cosmos.log"), cwd: dir },
  );
  try {
    await waitUntil(() => probeTcp(port), {
      what: `cosmosdb-server on port ${port}`,
      timeoutMs: 30_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
