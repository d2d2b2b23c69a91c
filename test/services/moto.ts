/**
 * Timestream (write) and the rest of moto's AWS services for tests: moto's
 * server from PyPI, installed into a virtualenv under .cache/emulators and
 * started on 127.0.0.1 with a free port.
 */
import { join } from "node:path";
import type { ServiceDefinition } from "../harness/service.js";
import { pythonVenvService, venvBin } from "./python-venv.js";

/** The moto version installed. */
export const MOTO_VERSION = "5.2.5";
/** The variable tests read: `http://127.0.0.1:<port>`. */
export const MOTO_ENDPOINT_ENV = "SWITCHYARD_MOTO_ENDPOINT";

const venv = `moto-${MOTO_VERSION}`;

/** The moto service definition. */
export const moto: ServiceDefinition = pythonVenvService({
  name: "moto",
  venv,
  packages: [`moto[server]==${MOTO_VERSION}`],
  program: "moto_server",
  pipTimeoutMs: 600_000,
  ports: ["port"],
  what: "moto_server",
  readyPath: "/moto-api/",
  readyStatus: (status) => status < 500,
  readyTimeoutMs: 60_000,
  command: ({ port }) => ({
    program: join(venvBin(venv), "moto_server"),
    args: ["-H", "127.0.0.1", "-p", String(port)],
  }),
  env: ({ port }) => ({ [MOTO_ENDPOINT_ENV]: `http://127.0.0.1:${port}` }),
});
