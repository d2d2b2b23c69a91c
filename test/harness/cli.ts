/**
 * `npm run emulators -- <command> [service…]`: keeps services running in the
 * background between test runs (test runs reuse them instead of starting their own).
 *
 *   up [service…]      start (default: every registered service), print `export` lines
 *   down [service…]    stop (default: every running one)
 *   status             list what runs, with its variables
 *   env                print `export` lines for what runs, for `eval "$(npm run -s emulators -- env)"`
 */
import { rmSync } from "node:fs";
import { sweepRunDirs } from "./paths.js";
import { outliveThisProcess, releaseProcesses, resourcesOf, stopProcessGroup } from "./processes.js";
import { skippedLine, startServices } from "./runner.js";
import { servicesFromList } from "./selection.js";
import { SERVICES, findService } from "./services.js";
import type { ServiceDefinition } from "./service.js";
import { isAlive, readState, writeState } from "./state.js";
import type { RecordedService } from "./state.js";

const USAGE = "usage: npm run emulators -- up|down|status|env [service…]";

/** Runs one emulators command; resolves with the process exit code. */
export async function emulatorsCommand(args: readonly string[]): Promise<number> {
  const [command, ...names] = args;
  switch (command) {
    case "up":
      return up(names);
    case "down":
      return down(names);
    case "status":
      return status();
    case "env":
      printExports(readState().services);
      return 0;
    case undefined:
    default:
      console.error(USAGE);
      return 2;
  }
}

async function up(names: readonly string[]): Promise<number> {
  const state = readState();
  sweepRunDirs(Object.values(state.services).flatMap((service) => service.runDirs));
  const wanted = chosen(names);
  const toStart: ServiceDefinition[] = [];
  for (const service of wanted) {
    const recorded = state.services[service.name];
    if (recorded !== undefined && isAlive(recorded)) console.error(`emulators: ${service.name} already up`);
    else toStart.push(service);
  }
  if (process.env.SWITCHYARD_EMULATORS === "docker") {
    console.error("emulators: `up` runs local processes; with Docker, tests start containers themselves");
  }
  outliveThisProcess();
  const run = await startServices(toStart, { backend: "local" });
  for (const service of run.started) {
    const { processGroups, runDirs } = resourcesOf(service.name);
    if (processGroups.length === 0) {
      // Only processes started with spawnService can be found again by `down`.
      console.error(`emulators: ${service.name} does not start through spawnService, so it cannot stay up`);
      await service.stop();
      continue;
    }
    state.services[service.name] = {
      env: service.env,
      processGroups,
      runDirs,
      startedAt: new Date().toISOString(),
    };
  }
  writeState(state);
  releaseProcesses();
  printExports(state.services);
  const loud = skippedLine(run.missing);
  if (loud !== undefined) console.error(loud);
  return run.missing.length > 0 ? 1 : 0;
}

async function down(names: readonly string[]): Promise<number> {
  const state = readState();
  const targets = names.length > 0 ? chosen(names).map((s) => s.name) : Object.keys(state.services);
  await Promise.all(
    targets.map(async (name) => {
      const recorded = state.services[name];
      if (recorded === undefined) return;
      await Promise.all(recorded.processGroups.map((pgid) => stopProcessGroup(pgid)));
      for (const dir of recorded.runDirs) rmSync(dir, { recursive: true, force: true });
      delete state.services[name];
      console.error(`emulators: ${name} stopped`);
    }),
  );
  writeState(state);
  return 0;
}

function status(): number {
  const { services } = readState();
  const entries = Object.entries(services);
  if (entries.length === 0) console.log("no emulators running");
  for (const [name, recorded] of entries) {
    const vars = Object.entries(recorded.env).map(([k, v]) => `${k}=${v}`);
    console.log(
      `${name}\t${isAlive(recorded) ? "up" : "DEAD"}\tsince ${recorded.startedAt}\t${vars.join(" ")}`,
    );
  }
  return 0;
}

function printExports(services: Record<string, RecordedService>): void {
  for (const recorded of Object.values(services)) {
    if (!isAlive(recorded)) continue;
    for (const [key, value] of Object.entries(recorded.env)) console.log(`export ${key}=${value}`);
  }
}

function chosen(names: readonly string[]): ServiceDefinition[] {
  const listed =
    servicesFromList(
      names.join(","),
      SERVICES.map((s) => s.name),
    ) ?? SERVICES.map((s) => s.name);
  return listed.map((name) => findService(name)).filter((s): s is ServiceDefinition => s !== undefined);
}
