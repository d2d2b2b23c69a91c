/**
 * Timestream (write) and the rest of moto's AWS services for tests: moto's
 * server from PyPI, installed into a virtualenv under .cache/emulators and
 * started on 127.0.0.1 with a free port.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../harness/apt.js";
import { EMULATOR_CACHE, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The moto version installed. */
export const MOTO_VERSION = "5.2.5";
/** The variable tests read: `http://127.0.0.1:<port>`. */
export const MOTO_ENDPOINT_ENV = "SWITCHYARD_MOTO_ENDPOINT";

const venv = join(EMULATOR_CACHE, `moto-${MOTO_VERSION}`);
const server = join(venv, "bin", "moto_server");

async function install(): Promise<Unavailable | undefined> {
  if (existsSync(server)) return undefined;
  const created = await runCommand("python3", ["-m", "venv", venv], { timeoutMs: 120_000 });
  if (created.code !== 0) {
    return {
      reason: `python3 -m venv failed (install python3 and python3-venv): ${created.output.slice(-300)}`,
    };
  }
  const pip = join(venv, "bin", "pip");
  const installed = await runCommand(pip, ["install", "-q", `moto[server]==${MOTO_VERSION}`], {
    timeoutMs: 600_000,
  });
  if (installed.code !== 0 || !existsSync(server)) {
    rmSync(venv, { recursive: true, force: true });
    return { reason: `pip could not install moto[server]==${MOTO_VERSION}: ${installed.output.slice(-300)}` };
  }
  return undefined;
}

async function answers(port: number): Promise<boolean> {
  try {
    const reply = await fetch(`http://127.0.0.1:${port}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return reply.status < 500;
  } catch {
    return false;
  }
}

async function startLocal(): Promise<RunningService> {
  const port = await freePort();
  const dir = makeRunDir("moto");
  const process = spawnService(server, ["-H", "127.0.0.1", "-p", String(port)], {
    logFile: join(dir, "moto.log"),
    cwd: dir,
  });
  const stop = async () => {
    await process.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => answers(port), {
      what: `moto_server on port ${port}`,
      timeoutMs: 60_000,
      failFast: () => (process.running() ? undefined : `exited early:\n${process.logTail()}`),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: { [MOTO_ENDPOINT_ENV]: `http://127.0.0.1:${port}` }, stop };
}

/** The moto service definition. */
export const moto: ServiceDefinition = { name: "moto", install, startLocal };
