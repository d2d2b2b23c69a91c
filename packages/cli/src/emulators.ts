import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { intOption, parseCommandArgs } from "./args.js";
import type { ParsedArgs } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { EMULATOR_SERVICES, RECIPES, alive, cacheDirectory, listening } from "./emulator-services.js";
import type { EmulatorService } from "./emulator-services.js";

const USAGE = `Usage: switchyard emulators up|down|status|env [kafka] [redis] [options]

Runs development servers on this machine, in the background, for the profiles of
an app's switchyard.config.ts — on fixed ports, with the variables the config reads:

  kafka   Apache Kafka 4.4 (one KRaft node)        KAFKA_BROKERS=127.0.0.1:9092
  redis   redis-server (in memory)           REDIS_HOST=127.0.0.1:6379

Kafka needs Java 17+ (and Maven the first time, to fetch its jars into
~/.cache/switchyard); redis needs redis-server on PATH. With Docker, the same
servers on the same ports: docker compose -f ${join(RECIPES, "compose.yaml")} up -d

  up       start the named servers (default: all) and print their variables as export lines
  down     stop them and delete their data
  status   list what runs
  env      print the export lines of what runs: eval "$(npx switchyard emulators env)"

Their data and logs live in .switchyard/emulators in the current directory.

Options:
      --kafka-port <n>   Kafka's port (default 9092; the controller takes the next one)
      --redis-port <n>   Redis's port (default 6379)
  -h, --help             show this help`;

interface Recorded {
  pid: number;
  port: number;
  dir: string;
  env: Record<string, string>;
  startedAt: string;
}

type State = Partial<Record<EmulatorService["name"], Recorded>>;

const stateDir = (cwd: string) => join(cwd, ".switchyard", "emulators");
const stateFile = (cwd: string) => join(stateDir(cwd), "state.json");

function readState(cwd: string): State {
  const file = stateFile(cwd);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as State) : {};
}

function writeState(cwd: string, state: State): void {
  mkdirSync(stateDir(cwd), { recursive: true });
  writeFileSync(stateFile(cwd), `${JSON.stringify(state, null, 2)}\n`);
}

async function emulators(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    "kafka-port": { type: "string" },
    "redis-port": { type: "string" },
  });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [action, ...names] = parsed.positionals;
  const services = chosen(names);
  switch (action) {
    case "up":
      return up(services, parsed, io);
    case "down":
      return down(services, io);
    case "status":
      return status(io);
    case "env":
      printExports(readState(io.cwd), io);
      return 0;
    case undefined:
    default:
      throw new UsageError(
        action === undefined
          ? "missing up, down, status or env"
          : `unknown action "${action}" — up, down, status or env`,
      );
  }
}

function chosen(names: string[]): EmulatorService[] {
  if (names.length === 0) return [...EMULATOR_SERVICES];
  return names.map((name) => {
    const service = EMULATOR_SERVICES.find((s) => s.name === name);
    if (service === undefined)
      throw new UsageError(`unknown server "${name}" — ${EMULATOR_SERVICES.map((s) => s.name).join(" or ")}`);
    return service;
  });
}

async function up(services: EmulatorService[], parsed: ParsedArgs, io: CommandIO): Promise<number> {
  const state = readState(io.cwd);
  const cacheDir = cacheDirectory(io.env);
  let failed = false;
  for (const service of services) {
    const recorded = state[service.name];
    if (recorded !== undefined && alive(recorded.pid)) {
      io.stderr(`${service.name} already up on 127.0.0.1:${recorded.port}\n`);
      continue;
    }
    const port = intOption(parsed, `${service.name}-port`, service.defaultPort);
    const problem = service.missing(cacheDir) ?? (await takenPort(service, port));
    if (problem !== undefined) {
      io.stderr(`${service.name}: ${problem}\n`);
      failed = true;
      continue;
    }
    const dir = join(stateDir(io.cwd), service.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    io.stderr(`${service.name}: starting on 127.0.0.1:${port} …\n`);
    try {
      const pid = service.start({ port, dir, cacheDir });
      state[service.name] = { pid, port, dir, env: service.env(port), startedAt: new Date().toISOString() };
      writeState(io.cwd, state);
      await waitListening(service, pid, port, dir);
      io.stderr(`${service.name}: up\n`);
    } catch (err) {
      io.stderr(`${service.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      failed = true;
    }
  }
  printExports(state, io);
  return failed ? 1 : 0;
}

/** Why `service` cannot listen on `port` because it or a port it also binds is taken, or undefined. */
async function takenPort(service: EmulatorService, port: number): Promise<string | undefined> {
  for (const taken of service.ports(port)) {
    if (!(await listening(taken))) continue;
    const which =
      taken === port ? `port ${port}` : `port ${taken} (its controller's, the port after ${port})`;
    return `${which} is taken — is one running already? stop it, or pass --${service.name}-port`;
  }
  return undefined;
}

async function waitListening(
  service: EmulatorService,
  pid: number,
  port: number,
  dir: string,
): Promise<void> {
  const deadline = Date.now() + (service.name === "kafka" ? 120_000 : 20_000);
  while (!(await listening(port))) {
    if (!alive(pid)) throw new Error(`exited while starting; its log is in ${dir}`);
    if (Date.now() > deadline) throw new Error(`not listening on ${port} in time; its log is in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function down(services: EmulatorService[], io: CommandIO): Promise<number> {
  const state = readState(io.cwd);
  for (const service of services) {
    const recorded = state[service.name];
    if (recorded === undefined) continue;
    await stopGroup(recorded.pid);
    rmSync(recorded.dir, { recursive: true, force: true });
    delete state[service.name];
    writeState(io.cwd, state);
    io.stderr(`${service.name}: stopped\n`);
  }
  return 0;
}

/** SIGTERM to the server's process group, SIGKILL if it is still there after 15 s. */
async function stopGroup(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) signal("SIGKILL");
}

async function status(io: CommandIO): Promise<number> {
  const state = readState(io.cwd);
  const entries = Object.entries(state);
  if (entries.length === 0) io.stdout("no emulators running\n");
  for (const [name, recorded] of entries) {
    const up = alive(recorded.pid) && (await listening(recorded.port));
    const vars = Object.entries(recorded.env).map(([k, v]) => `${k}=${v}`);
    io.stdout(
      `${name}\t${up ? "up" : "DOWN"}\t127.0.0.1:${recorded.port}\tsince ${recorded.startedAt}\t${vars.join(" ")}\n`,
    );
  }
  return 0;
}

function printExports(state: State, io: CommandIO): void {
  for (const recorded of Object.values(state)) {
    if (!alive(recorded.pid)) continue;
    for (const [key, value] of Object.entries(recorded.env)) io.stdout(`export ${key}=${value}\n`);
  }
}

/** `switchyard emulators`: development servers for an app's profiles, on fixed ports. */
export const emulatorsCommand: Command = {
  name: "emulators",
  summary: "start, stop or list local Kafka and Redis servers for development",
  usage: USAGE,
  run: emulators,
};
