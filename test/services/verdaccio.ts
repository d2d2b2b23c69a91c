/**
 * A throwaway npm registry for tests: verdaccio 6.8.0, installed from the npm
 * registry into `.cache/emulators/verdaccio` (its node-fetch pinned to 2.7.0,
 * the last release that loads on Node 20), started on a free loopback port with
 * its storage in a run directory, so every run starts empty. Only `@switchyard/*`
 * packages live there; it proxies nothing.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../registry/npm.js";
import { EMULATOR_CACHE, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The variable tests read: the registry's URL, `http://127.0.0.1:<port>/`. */
export const VERDACCIO_URL_ENV = "SWITCHYARD_VERDACCIO_URL";

const VERSION = "6.8.0";
const INSTALL_DIR = join(EMULATOR_CACHE, "verdaccio");
const BIN = join(INSTALL_DIR, "node_modules", "verdaccio", "bin", "verdaccio");
const marker = join(INSTALL_DIR, `.complete-${VERSION}`);

async function install(): Promise<Unavailable | undefined> {
  if (existsSync(marker)) return undefined;
  mkdirSync(INSTALL_DIR, { recursive: true });
  const manifest = {
    name: "switchyard-test-registry",
    private: true,
    dependencies: { verdaccio: VERSION },
    overrides: { "node-fetch": "2.7.0" },
  };
  writeFileSync(join(INSTALL_DIR, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const result = await run("npm", ["install", "--no-audit", "--no-fund", "--omit=dev"], {
    cwd: INSTALL_DIR,
    timeoutMs: 600_000,
  });
  if (result.code !== 0 || !existsSync(BIN)) {
    const detail = result.stderr.trim().split("\n").slice(-3).join(" | ");
    return { reason: `npm could not install verdaccio ${VERSION} (${detail})` };
  }
  writeFileSync(marker, new Date().toISOString());
  return undefined;
}

function config(dir: string): string {
  return `storage: ${join(dir, "storage")}
auth:
  htpasswd:
    file: ${join(dir, "htpasswd")}
uplinks: {}
packages:
  "@switchyard/*":
    access: $all
    publish: $authenticated
  "**":
    access: $all
server:
  keepAliveTimeout: 60
log: { type: stdout, format: pretty, level: warn }
`;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}-/ping`)).ok;
  } catch {
    return false;
  }
}

async function startLocal(): Promise<RunningService> {
  if (!existsSync(BIN)) throw new Error("verdaccio not installed");
  const port = await freePort();
  const dir = makeRunDir("verdaccio");
  writeFileSync(join(dir, "config.yaml"), config(dir));
  const url = `http://127.0.0.1:${port}/`;
  const server = spawnService(
    process.execPath,
    [BIN, "--config", join(dir, "config.yaml"), "--listen", `127.0.0.1:${port}`],
    { logFile: join(dir, "verdaccio.log"), cwd: dir },
  );
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => answers(url), {
      what: `verdaccio on port ${port}`,
      timeoutMs: 60_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: { [VERDACCIO_URL_ENV]: url }, stop };
}

/** The verdaccio service definition. */
export const verdaccio: ServiceDefinition = { name: "verdaccio", install, startLocal };
