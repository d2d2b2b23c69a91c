/**
 * Microsoft's Azure ML inference server (`azureml-inference-server-http` from
 * PyPI, the scoring server inside Azure ML online deployments) for tests:
 * installed into a virtualenv under .cache/emulators and started on
 * 127.0.0.1 with a free port, serving test/services/azureml-score.py (the
 * model server fixture's logistic regression) on `/score`. It checks no key:
 * on Azure the endpoint's gateway does that, in front of this server. It
 * offers no bind address (gunicorn listens on every interface); tests reach
 * it on 127.0.0.1 only.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../harness/apt.js";
import { EMULATOR_CACHE, REPO_ROOT, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The azureml-inference-server-http version installed. */
export const AZUREML_SERVER_VERSION = "1.5.1";
/** The variable tests read: `http://127.0.0.1:<port>`. */
export const AZUREML_URL_ENV = "SWITCHYARD_AZUREML_URL";

const venv = join(EMULATOR_CACHE, `azureml-inference-${AZUREML_SERVER_VERSION}`);
const server = join(venv, "bin", "azmlinfsrv");
const SCORE = join(REPO_ROOT, "test", "services", "azureml-score.py");

async function install(): Promise<Unavailable | undefined> {
  if (existsSync(server)) return undefined;
  const created = await runCommand("python3", ["-m", "venv", venv], { timeoutMs: 120_000 });
  if (created.code !== 0) {
    return {
      reason: `python3 -m venv failed (install python3 and python3-venv): ${created.output.slice(-300)}`,
    };
  }
  const pip = join(venv, "bin", "pip");
  const pkg = `azureml-inference-server-http==${AZUREML_SERVER_VERSION}`;
  const installed = await runCommand(pip, ["install", "-q", pkg], { timeoutMs: 600_000 });
  if (installed.code !== 0 || !existsSync(server)) {
    rmSync(venv, { recursive: true, force: true });
    return { reason: `pip could not install ${pkg}: ${installed.output.slice(-300)}` };
  }
  return undefined;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const reply = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return reply.status === 200;
  } catch {
    return false;
  }
}

async function startLocal(): Promise<RunningService> {
  const [port, healthPort] = [await freePort(), await freePort()];
  const dir = makeRunDir("azureml");
  const args = ["--entry_script", SCORE, "--port", String(port), "--health_port", String(healthPort)];
  // gunicorn puts its control socket under HOME: one per server, so two runs do not share it.
  const process = spawnService(server, args, {
    logFile: join(dir, "azureml.log"),
    cwd: dir,
    env: { HOME: dir },
  });
  const stop = async () => {
    await process.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => healthy(port), {
      what: `azmlinfsrv on port ${port}`,
      timeoutMs: 60_000,
      failFast: () => (process.running() ? undefined : `exited early:\n${process.logTail()}`),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: { [AZUREML_URL_ENV]: `http://127.0.0.1:${port}` }, stop };
}

/** The Azure ML inference server's service definition. */
export const azureml: ServiceDefinition = { name: "azureml", install, startLocal };
