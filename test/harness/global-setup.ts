/**
 * vitest global setup: starts the emulated services the run needs, in parallel,
 * hands their addresses to tests (`inject("switchyardServices")` and
 * `process.env`), and stops them at the end — also when tests fail or the run is
 * interrupted. Services that cannot be had make their suites skip, with one loud
 * line at the start and the end of the run; with `SWITCHYARD_REQUIRE_EMULATORS=1`
 * they fail the run instead.
 */
import type { TestProject } from "vitest/node";
import type { ServicesContext } from "./context.js";
import { servicesFromList, servicesNamedIn } from "./selection.js";
import { SERVICES } from "./services.js";
import type { ServiceRun, StartedService } from "./runner.js";
import { skippedLine, startServices, stopServices } from "./runner.js";
import { sweepRunDirs } from "./paths.js";
import { isAlive, readState } from "./state.js";

/** Starts the needed services; returns the teardown that stops them. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  sweepRunDirs(Object.values(readState().services).flatMap((service) => service.runDirs));
  const names = await neededServices(project);
  const reused = reusedServices(names);
  const toStart = SERVICES.filter((s) => names.includes(s.name) && !reused.some((r) => r.name === s.name));
  const run: ServiceRun = toStart.length > 0 ? await startServices(toStart) : { started: [], missing: [] };
  run.started.push(...reused);

  const loud = skippedLine(run.missing);
  if (loud !== undefined) {
    if (process.env.SWITCHYARD_REQUIRE_EMULATORS === "1") {
      await stopServices(run);
      throw new Error(`SWITCHYARD_REQUIRE_EMULATORS=1 and services are missing: ${loud}`);
    }
    console.error(loud);
  }

  const context: ServicesContext = { env: {}, missing: {} };
  for (const service of run.started) {
    context.env[service.name] = service.env;
    Object.assign(process.env, service.env);
  }
  for (const { name, reason } of run.missing) context.missing[name] = reason;
  project.provide("switchyardServices", context);

  return async () => {
    await stopServices(run);
    if (loud !== undefined) console.error(loud);
  };
}

/** The services this run needs: `SWITCHYARD_SERVICES`, else those the selected test files name. */
async function neededServices(project: TestProject): Promise<string[]> {
  const known = SERVICES.map((s) => s.name);
  const listed = servicesFromList(process.env.SWITCHYARD_SERVICES, known);
  if (listed !== undefined) return listed;
  try {
    // The command-line file filters; not part of vitest's typed API, hence the guard.
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
    const { testFiles } = await project.globTestFiles(filters);
    return servicesNamedIn(testFiles, known);
  } catch {
    return known;
  }
}

/** Services left running by `npm run emulators -- up` that are still alive: tests use them as they are. */
function reusedServices(names: readonly string[]): StartedService[] {
  const { services } = readState();
  const reused: StartedService[] = [];
  for (const name of names) {
    const recorded = services[name];
    if (recorded === undefined || !isAlive(recorded)) continue;
    console.error(
      `emulators: ${name} reused from \`npm run emulators -- up\` (${Object.values(recorded.env).join(" ")})`,
    );
    reused.push({ name, origin: "reused", env: recorded.env, stop: async () => undefined });
  }
  return reused;
}
