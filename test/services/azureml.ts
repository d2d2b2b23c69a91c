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
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.js";
import type { ServiceDefinition } from "../harness/service.js";
import { pythonVenvService, venvBin } from "./python-venv.js";

/** The azureml-inference-server-http version installed. */
export const AZUREML_SERVER_VERSION = "1.5.1";
/** The variable tests read: `http://127.0.0.1:<port>`. */
export const AZUREML_URL_ENV = "SWITCHYARD_AZUREML_URL";

const venv = `azureml-inference-${AZUREML_SERVER_VERSION}`;
const SCORE = join(REPO_ROOT, "test", "services", "azureml-score.py");

/** The Azure ML inference server's service definition. */
export const azureml: ServiceDefinition = pythonVenvService({
  name: "azureml",
  venv,
  packages: [`azureml-inference-server-http==${AZUREML_SERVER_VERSION}`],
  program: "azmlinfsrv",
  pipTimeoutMs: 600_000,
  ports: ["port", "healthPort"],
  what: "azmlinfsrv",
  readyPath: "/",
  readyTimeoutMs: 60_000,
  command: ({ port, healthPort }, dir) => ({
    program: join(venvBin(venv), "azmlinfsrv"),
    args: ["--entry_script", SCORE, "--port", String(port), "--health_port", String(healthPort)],
    // gunicorn puts its control socket under HOME: one per server, so two runs do not share it.
    env: { HOME: dir },
  }),
  env: ({ port }) => ({ [AZUREML_URL_ENV]: `http://127.0.0.1:${port}` }),
});
