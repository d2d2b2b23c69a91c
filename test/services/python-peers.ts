/**
 * The Python clients and servers the model endpoints must interoperate with:
 * Triton's client (`tritonclient[http,grpc]`), KServe's model server, boto3 and
 * numpy from PyPI, installed once into a virtualenv under .cache/emulators. The
 * service starts a KServe `ModelServer` (HTTP and gRPC) serving a small custom
 * model that publishes no tensor metadata, and hands tests the venv's python.
 */
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "../harness/apt.js";
import { EMULATOR_CACHE, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The packages installed, pinned to versions that install on Python 3.11. */
export const PYTHON_PEER_PACKAGES = [
  "tritonclient[http,grpc]==2.73.0",
  "kserve==0.21.0",
  "boto3==1.44.8",
  "numpy==2.4.6",
];
/** The variable tests read: the venv's python executable. */
export const PYTHON_ENV = "SWITCHYARD_PEERS_PYTHON";
/** The variable tests read: KServe's REST endpoint, `http://127.0.0.1:<port>`. */
export const KSERVE_HTTP_ENV = "SWITCHYARD_KSERVE_HTTP";
/** The variable tests read: KServe's gRPC endpoint, `127.0.0.1:<port>`. */
export const KSERVE_GRPC_ENV = "SWITCHYARD_KSERVE_GRPC";
/** The folder of the Python scripts tests run with the venv's python. */
export const PEER_SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "python-peers");

const venv = join(EMULATOR_CACHE, "python-peers-1");
const python = join(venv, "bin", "python");
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
  const pip = await runCommand(join(venv, "bin", "pip"), ["install", "-q", ...PYTHON_PEER_PACKAGES], {
    timeoutMs: 900_000,
  });
  if (pip.code !== 0) {
    rmSync(venv, { recursive: true, force: true });
    return {
      reason: `pip could not install ${PYTHON_PEER_PACKAGES.join(" ")}: ${pip.output.slice(-300)}`,
    };
  }
  await runCommand("touch", [installed], { timeoutMs: 10_000 });
  return undefined;
}

async function ready(port: number): Promise<boolean> {
  try {
    const reply = await fetch(`http://127.0.0.1:${port}/v2/models/fraud/ready`, {
      signal: AbortSignal.timeout(1000),
    });
    return reply.status === 200;
  } catch {
    return false;
  }
}

async function startLocal(): Promise<RunningService> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const dir = makeRunDir("python-peers");
  const server = spawnService(
    python,
    [join(PEER_SCRIPTS, "kserve_model.py"), "--http_port", String(httpPort), "--grpc_port", String(grpcPort)],
    { logFile: join(dir, "kserve.log"), cwd: dir },
  );
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => ready(httpPort), {
      what: `KServe ModelServer on port ${httpPort}`,
      timeoutMs: 120_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    env: {
      [PYTHON_ENV]: python,
      [KSERVE_HTTP_ENV]: `http://127.0.0.1:${httpPort}`,
      [KSERVE_GRPC_ENV]: `127.0.0.1:${grpcPort}`,
    },
    stop,
  };
}

/** The Python peers service definition. */
export const pythonPeers: ServiceDefinition = { name: "python-peers", install, startLocal };
