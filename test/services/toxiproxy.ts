/**
 * Toxiproxy for fault tests: Shopify's TCP fault proxy (2.12), built from its
 * Go module into `.cache/emulators/toxiproxy` (binary `server`) and started on
 * 127.0.0.1 with a free port for its HTTP API. Tests create proxies and toxics
 * through {@link ToxiproxyClient} (test/fault/toxiproxy-client.ts).
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findExecutable, runCommand } from "../harness/apt.js";
import { EMULATOR_CACHE, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The variable tests read: the API's base URL, `http://127.0.0.1:<port>`. */
export const TOXIPROXY_URL_ENV = "SWITCHYARD_TOXIPROXY_URL";

const VERSION = "v2.12.0";
const GOPATH = join(EMULATOR_CACHE, "toxiproxy");
const BINARY = join(GOPATH, "bin", "server");

async function install(): Promise<Unavailable | undefined> {
  if (existsSync(BINARY)) return undefined;
  const go = findExecutable("go");
  if (go === undefined)
    return { reason: "Toxiproxy is built with Go, and `go` is not on PATH — install Go 1.22+" };
  mkdirSync(GOPATH, { recursive: true });
  const built = await runCommand(go, ["install", `github.com/Shopify/toxiproxy/v2/cmd/server@${VERSION}`], {
    env: { GOPATH, GOFLAGS: "-modcacherw" },
    timeoutMs: 600_000,
  });
  if (built.code !== 0 || !existsSync(BINARY)) {
    return { reason: `go install of Toxiproxy ${VERSION} failed: ${built.output.slice(-400)}` };
  }
  return undefined;
}

async function startLocal(): Promise<RunningService> {
  const port = await freePort();
  const dir = makeRunDir("toxiproxy");
  const server = spawnService(BINARY, ["-host", "127.0.0.1", "-port", String(port)], {
    logFile: join(dir, "toxiproxy.log"),
    cwd: dir,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      async () => {
        try {
          return (await fetch(`${url}/version`)).ok;
        } catch {
          return false;
        }
      },
      {
        what: `toxiproxy on port ${port}`,
        timeoutMs: 60_000,
        failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
      },
    );
  } catch (err) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    env: { [TOXIPROXY_URL_ENV]: url },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Toxiproxy service definition. */
export const toxiproxy: ServiceDefinition = { name: "toxiproxy", install, startLocal };
