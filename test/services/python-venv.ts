/**
 * Services run from a Python virtualenv: pinned packages from PyPI installed
 * once into a virtualenv under .cache/emulators, and a server from it started
 * on 127.0.0.1 with free ports, awaited until it answers over HTTP.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../harness/apt.js";
import { EMULATOR_CACHE, makeRunDir } from "../harness/paths.js";
import { freePort, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The program a Python service runs, in its run folder. */
export interface VenvCommand {
  /** The executable. */
  program: string;
  /** Its arguments. */
  args: string[];
  /** Variables set for it besides the harness's own environment. */
  env?: Record<string, string>;
}

/** What a service run from a Python virtualenv is; `P` names its ports. */
export interface PythonVenvServiceSpec<P extends string> {
  /** The service's name, as the harness knows it. */
  name: string;
  /** The virtualenv's folder under .cache/emulators; a new name when the packages change. */
  venv: string;
  /** The pip requirements installed, pinned. */
  packages: readonly string[];
  /**
   * A program pip puts in the venv's bin/: there, the venv is installed (and
   * pip's success is checked by it too). Without one, a marker file written
   * after pip succeeds says so.
   */
  program?: string;
  /** How long pip may take, in ms. */
  pipTimeoutMs: number;
  /** The names of the free ports the server gets; the first is the one asked whether it is ready. */
  ports: readonly [P, ...P[]];
  /** What waiting errors call the server, e.g. `moto_server`. */
  what: string;
  /** The path on the first port that answers once the server is ready. */
  readyPath: string;
  /** Whether a reply's status means ready. Default 200 only. */
  readyStatus?: (status: number) => boolean;
  /** How long the server may take to become ready, in ms. */
  readyTimeoutMs: number;
  /** The server to run, given its ports and its run folder (it may prepare files there first). */
  command(ports: Record<P, number>, dir: string): VenvCommand | Promise<VenvCommand>;
  /** The variables tests read, given the server's ports. */
  env(ports: Record<P, number>): Record<string, string>;
}

/** The bin/ folder of the virtualenv `venv` under .cache/emulators, where its python and programs are. */
export function venvBin(venv: string): string {
  return join(EMULATOR_CACHE, venv, "bin");
}

/** Installs `spec.packages` into its virtualenv unless that was done; Unavailable when python or pip fail. */
async function installVenv<P extends string>(
  spec: PythonVenvServiceSpec<P>,
): Promise<Unavailable | undefined> {
  const venv = join(EMULATOR_CACHE, spec.venv);
  const marker = join(venv, ".installed");
  const program = spec.program === undefined ? undefined : join(venvBin(spec.venv), spec.program);
  if (existsSync(program ?? marker)) return undefined;
  // What is there is a half-made venv: start again from nothing.
  rmSync(venv, { recursive: true, force: true });
  const created = await runCommand("python3", ["-m", "venv", venv], { timeoutMs: 600_000 });
  if (created.code !== 0) {
    return {
      reason: `python3 -m venv failed (install python3 and python3-venv): ${created.output.slice(-300)}`,
    };
  }
  const pip = await runCommand(join(venvBin(spec.venv), "pip"), ["install", "-q", ...spec.packages], {
    timeoutMs: spec.pipTimeoutMs,
  });
  if (pip.code !== 0 || (program !== undefined && !existsSync(program))) {
    rmSync(venv, { recursive: true, force: true });
    return { reason: `pip could not install ${spec.packages.join(" ")}: ${pip.output.slice(-300)}` };
  }
  if (program === undefined) writeFileSync(marker, "");
  return undefined;
}

async function answers(url: string, ready: (status: number) => boolean): Promise<boolean> {
  try {
    const reply = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return ready(reply.status);
  } catch {
    return false;
  }
}

/** Starts the server in a fresh run folder and waits until it answers; stops it again if it does not. */
async function startVenvServer<P extends string>(spec: PythonVenvServiceSpec<P>): Promise<RunningService> {
  const ports = {} as Record<P, number>;
  for (const name of spec.ports) ports[name] = await freePort();
  const dir = makeRunDir(spec.name);
  let command: VenvCommand;
  try {
    command = await spec.command(ports, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const server = spawnService(command.program, command.args, {
    logFile: join(dir, `${spec.name}.log`),
    cwd: dir,
    ...(command.env === undefined ? {} : { env: command.env }),
  });
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const port = ports[spec.ports[0]];
  try {
    await waitUntil(
      () => answers(`http://127.0.0.1:${port}${spec.readyPath}`, spec.readyStatus ?? ((s) => s === 200)),
      {
        what: `${spec.what} on port ${port}`,
        timeoutMs: spec.readyTimeoutMs,
        failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
      },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: spec.env(ports), stop };
}

/** The harness's definition of a service run from a Python virtualenv. */
export function pythonVenvService<P extends string>(spec: PythonVenvServiceSpec<P>): ServiceDefinition {
  return { name: spec.name, install: () => installVenv(spec), startLocal: () => startVenvServer(spec) };
}
