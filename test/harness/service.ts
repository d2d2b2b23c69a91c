/**
 * The contract every emulated service in the test harness fulfils. A service
 * knows how to get its binaries (into the git-ignored `.cache/emulators`), how to
 * start on 127.0.0.1 with free ports, and how to say what its tests need to reach it.
 */

/** A running service: the environment its tests read, and how to stop it. */
export interface RunningService {
  /** Variables handed to tests, e.g. `{ SWITCHYARD_REDIS_URL: "redis://127.0.0.1:6390" }`. */
  env: Record<string, string>;
  /** Stops the service and removes its temporary files. Idempotent. */
  stop(): Promise<void>;
}

/** Why a service could not be had on this machine, for the loud summary line. */
export interface Unavailable {
  /** What is missing and how to get it, in one sentence. */
  reason: string;
}

/** One emulated service the harness can start. */
export interface ServiceDefinition {
  /** Short name used on the command line and in env, e.g. `kafka`, `redis`. */
  name: string;
  /** Installs the local binaries if missing. Returns Unavailable when they cannot be had here. */
  install(): Promise<Unavailable | undefined>;
  /** Starts a local process and waits until it is ready. */
  startLocal(): Promise<RunningService>;
  /** Starts the service in a container with testcontainers, for machines with Docker. */
  startDocker?(): Promise<RunningService>;
}
