/**
 * The Python clients and servers the model endpoints must interoperate with:
 * Triton's client (`tritonclient[http,grpc]`), KServe's model server, boto3 and
 * numpy from PyPI, installed once into a virtualenv under .cache/emulators. The
 * service starts a KServe `ModelServer` (HTTP and gRPC) serving a small custom
 * model that publishes no tensor metadata, and hands tests the venv's python.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceDefinition } from "../harness/service.js";
import { pythonVenvService, venvBin } from "./python-venv.js";

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

const venv = "python-peers-1";
const python = join(venvBin(venv), "python");

/** The Python peers service definition. */
export const pythonPeers: ServiceDefinition = pythonVenvService({
  name: "python-peers",
  venv,
  packages: PYTHON_PEER_PACKAGES,
  pipTimeoutMs: 900_000,
  ports: ["httpPort", "grpcPort"],
  what: "KServe ModelServer",
  readyPath: "/v2/models/fraud/ready",
  readyTimeoutMs: 120_000,
  command: ({ httpPort, grpcPort }) => ({
    program: python,
    args: [
      join(PEER_SCRIPTS, "kserve_model.py"),
      "--http_port",
      String(httpPort),
      "--grpc_port",
      String(grpcPort),
    ],
  }),
  env: ({ httpPort, grpcPort }) => ({
    [PYTHON_ENV]: python,
    [KSERVE_HTTP_ENV]: `http://127.0.0.1:${httpPort}`,
    [KSERVE_GRPC_ENV]: `127.0.0.1:${grpcPort}`,
  }),
});
