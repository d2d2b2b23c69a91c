/**
 * MLflow's own scoring server for tests: `mlflow-skinny` and pandas from PyPI in a
 * virtualenv under .cache/emulators, a small pyfunc model saved with it
 * (python-peers/mlflow_model.py), served by `mlflow models serve --env-manager local`
 * on 127.0.0.1 with a free port.
 */
import { join } from "node:path";
import { runCommand } from "../harness/apt.js";
import type { ServiceDefinition } from "../harness/service.js";
import { PEER_SCRIPTS } from "./python-peers.js";
import { pythonVenvService, venvBin } from "./python-venv.js";

/** The MLflow version installed (the skinny distribution: the scoring server without the tracking UI). */
export const MLFLOW_VERSION = "3.17.2";
/** The packages installed, pinned to versions that install on Python 3.11. */
const PACKAGES = [`mlflow-skinny==${MLFLOW_VERSION}`, "pandas==3.1.1", "numpy==2.4.6"];
/** The variable tests read: `http://127.0.0.1:<port>`. */
export const MLFLOW_URL_ENV = "SWITCHYARD_MLFLOW_URL";

const venv = `mlflow-${MLFLOW_VERSION}`;
const bin = venvBin(venv);

/** The MLflow scoring server service definition. */
export const mlflow: ServiceDefinition = pythonVenvService({
  name: "mlflow",
  venv,
  packages: PACKAGES,
  pipTimeoutMs: 900_000,
  ports: ["port"],
  what: "mlflow models serve",
  readyPath: "/ping",
  readyTimeoutMs: 180_000,
  command: async ({ port }, dir) => {
    const model = join(dir, "model");
    const saved = await runCommand(join(bin, "python"), [join(PEER_SCRIPTS, "mlflow_model.py"), model], {
      timeoutMs: 180_000,
    });
    if (saved.code !== 0) throw new Error(`saving the MLflow test model failed: ${saved.output.slice(-500)}`);
    return {
      program: join(bin, "mlflow"),
      args: ["models", "serve", "-m", model, "--env-manager", "local", "-h", "127.0.0.1", "-p", String(port)],
      // The scoring server starts uvicorn by name, so the venv's bin goes first on PATH.
      env: { PATH: `${bin}:${process.env.PATH ?? ""}`, MLFLOW_TRACKING_URI: `file://${join(dir, "runs")}` },
    };
  },
  env: ({ port }) => ({ [MLFLOW_URL_ENV]: `http://127.0.0.1:${port}` }),
});
