/**
 * Choosing between the two back ends: local processes, or containers through
 * testcontainers for machines with a Docker engine.
 */

/** Where services run. */
export type Backend = "local" | "docker";

/** How long the container-runtime probe may take before local processes are used. */
const DOCKER_PROBE_MS = 3000;

let probe: Promise<string | undefined> | undefined;

/**
 * Why no container runtime can be used here, or undefined when one answered
 * within a few seconds. Asked once per process.
 */
export function dockerUnavailable(): Promise<string | undefined> {
  probe ??= probeDocker();
  return probe;
}

async function probeDocker(): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${DOCKER_PROBE_MS} ms`), DOCKER_PROBE_MS);
    timer.unref();
  });
  const answer = import("testcontainers")
    .then(async ({ getContainerRuntimeClient }) => {
      await getContainerRuntimeClient();
      return undefined;
    })
    .catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The back end to use: `SWITCHYARD_EMULATORS=local|docker` when set, else docker
 * when a container runtime answers, else local. Throws on an unknown value.
 */
export async function chooseBackend(env: NodeJS.ProcessEnv = process.env): Promise<Backend> {
  const wanted = env.SWITCHYARD_EMULATORS?.trim() ?? "";
  switch (wanted) {
    case "local":
    case "docker":
      return wanted;
    case "":
    case "auto":
      return (await dockerUnavailable()) === undefined ? "docker" : "local";
    default:
      throw new Error(`SWITCHYARD_EMULATORS="${wanted}": use local, docker or auto`);
  }
}
