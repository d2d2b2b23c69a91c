/**
 * MLflow's own scoring server for tests: `mlflow-skinny` and pandas from PyPI in a
 * virtualenv under .cache/emulators, a small pyfunc model saved with it
 * (python-peers/mlflow_model.py), served by `mlflow models serve --env-manager local`
 * on 127.0.0.1 with a free port.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../harness/apt.js";
import { EMULATOR_CACHE, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";
import { PEER_SCRIPTS } from "./python-peers.js";

/** The MLflow version installed (the skinny distribution: the scoring server without the tracking UI). */
export const MLFLOW_VERSION = "3.17.2";
/** The packages installed, pinned to versions that install on Python 3.11. */
const PACKAGES = [`mlflow-skinny==${MLFLOW_VERSION}`, "pandas==3.1.1", "numpy==2.4.6"];
/** The variable tests read: `http://127.0.0.1:<port>`. */
export const MLFLOW_URL_ENV = "SWITCHYARD_MLFLOW_URL";

const venv = join(EMULATOR_CACHE, `mlflow-${MLFLOW_VERSION}`);
const bin = join(venv, "bin");
const installed = join(venv, ".installed");

async function install(): Promise<Unavailable | undefined> {
  if (existsSync(installed)) return undefined;
  rmSync(venv, { recursive: true, force: true });
  const created = await runCommand("python3", ["-m", "venv", venv], { timeoutMs: 120_000 });
  if (created.code !== 0) {
    return {
      reason: `python3 -m venv failed (install python3 and python3-venv): ${created.output.slice(-300)}`,
    };
  }
  const pip = await runCommand(join(bin, "pip"), ["install", "-q", ...PACKAGES], { timeoutMs: 900_000 });
  if (pip.code !== 0) {
    rmSync(venv, { recursive: true, force: true });
    return { reason: `pip could not install ${PACKAGES.join(" ")}: ${pip.output.slice(-300)}` };
  }
  await runCommand("touch", [installed], { timeoutMs: 10_000 });
  return undefined;
}

async function answers(port: number): Promise<boolean> {
  try {
    const reply = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
    return reply.status === 200;
  } catch {
    return false;
  }
}

async function startLocal(): Promise<RunningService> {
  const port = await freePort();
  const dir = makeRunDir("mlflow");
  const model = join(dir, "model");
  const saved = await runCommand(join(bin, "python"), [join(PEER_SCRIPTS, "mlflow_model.py"), model], {
    timeoutMs: 180_000,
  });
  if (saved.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`saving the MLflow test model failed: ${saved.output.slice(-500)}`);
  }
  // The scoring server starts uvicorn by name, so the venv's bin goes first on PATH.
  const server = spawnService(
    join(bin, "mlflow"),
    ["models", "serve", "-m", model, "--env-manager", "local", "-h", "127.0.0.1", "-p", String(port)],
    {
      logFile: join(dir, "mlflow.log"),
      cwd: dir,
      env: { PATH: `${bin}:${process.env.PATH ?? ""}`, MLFLOW_TRACKING_URI: `file://${join(dir, "runs")}` },
    },
  );
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => answers(port), {
      what: `mlflow models serve on port ${port}`,
      timeoutMs: 180_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: { [MLFLOW_URL_ENV]: `http://127.0.0.1:${port}` }, stop };
}

/** The MLflow scoring server service definition. */
export const mlflow: ServiceDefinition = { name: "mlflow", install, startLocal };
