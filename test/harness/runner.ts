/**
 * Starting and stopping a set of services in parallel, on the chosen back end.
 * Used by the vitest global setup, by `npm run emulators` and by benchmarks.
 */
import { chooseBackend, dockerUnavailable } from "./backend.js";
import type { Backend } from "./backend.js";
import { endServiceScopes, inServiceScope, resourcesOf, stopProcessGroup } from "./processes.js";
import type { ServiceDefinition } from "./service.js";

/** A service that is up, and where it came from. */
export interface StartedService {
  /** The service name. */
  name: string;
  /** `local`, `docker`, or `reused` for one left running by `npm run emulators -- up`. */
  origin: Backend | "reused";
  /** Variables its tests read. */
  env: Record<string, string>;
  /** Stops it (a no-op for reused services). Idempotent. */
  stop(): Promise<void>;
}

/** A service that could not be had, and why. */
export interface MissingService {
  /** The service name. */
  name: string;
  /** What is missing and how to get it. */
  reason: string;
}

/** The outcome of {@link startServices}. */
export interface ServiceRun {
  /** Services that are up. */
  started: StartedService[];
  /** Services that could not be had. */
  missing: MissingService[];
}

/** Options of {@link startServices}. */
export interface StartOptions {
  /** Back end; default: {@link chooseBackend} (env `SWITCHYARD_EMULATORS`, else Docker if it answers). */
  backend?: Backend;
  /** Progress lines. Default: stderr. */
  log?: (line: string) => void;
}

/**
 * Installs (if needed) and starts every service in parallel. Never throws for
 * a service that cannot be had: it is listed in `missing` with the reason.
 */
export async function startServices(
  definitions: readonly ServiceDefinition[],
  options: StartOptions = {},
): Promise<ServiceRun> {
  const backend = options.backend ?? (await chooseBackend());
  const log = options.log ?? ((line: string) => console.error(line));
  const outcomes = await Promise.all(definitions.map((definition) => startOne(definition, backend, log)));
  endServiceScopes();
  return {
    started: outcomes.filter((o): o is StartedService => "env" in o),
    missing: outcomes.filter((o): o is MissingService => "reason" in o),
  };
}

/** Stops every started service, in parallel; reports but does not throw on failures. */
export async function stopServices(
  run: ServiceRun,
  log = (line: string) => console.error(line),
): Promise<void> {
  await Promise.all(
    run.started.map((service) =>
      service
        .stop()
        .catch((err: unknown) => log(`emulators: stopping ${service.name} failed: ${String(err)}`)),
    ),
  );
}

/** The loud line naming services whose suites will skip, or undefined when none. */
export function skippedLine(missing: readonly MissingService[]): string | undefined {
  if (missing.length === 0) return undefined;
  return `⚠ SKIPPED SUITES: ${missing.map((m) => `${m.name} — ${m.reason}`).join("; ")}`;
}

async function startOne(
  definition: ServiceDefinition,
  backend: Backend,
  log: (line: string) => void,
): Promise<StartedService | MissingService> {
  const { name } = definition;
  const began = Date.now();
  try {
    if (backend === "docker" && definition.startDocker !== undefined) {
      const docker = await dockerUnavailable();
      if (docker !== undefined) return { name, reason: `SWITCHYARD_EMULATORS=docker but ${docker}` };
      const running = await definition.startDocker();
      log(`emulators: ${name} up in a container after ${Date.now() - began} ms`);
      return { name, origin: "docker", env: running.env, stop: once(() => running.stop()) };
    }
    const missing = await definition.install();
    if (missing !== undefined) return { name, reason: missing.reason };
    const running = await inServiceScope(name, () => definition.startLocal());
    log(`emulators: ${name} up after ${Date.now() - began} ms (${Object.values(running.env).join(" ")})`);
    return { name, origin: "local", env: running.env, stop: once(() => running.stop()) };
  } catch (err) {
    // A service that failed half way may have left processes behind.
    await Promise.all(resourcesOf(name).processGroups.map((pgid) => stopProcessGroup(pgid, 1000)));
    return { name, reason: `failed to start: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
