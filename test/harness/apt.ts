/**
 * Finding service binaries on this machine, and installing Debian packages
 * with apt-get when running as root (as in CI and the project's containers).
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Unavailable } from "./service.js";

/** The full path of executable `name` on PATH (plus the sbin folders), or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The result of running a command to completion. */
export interface CommandResult {
  /** Exit code, or -1 when it could not start or was killed. */
  code: number;
  /** stdout and stderr interleaved. */
  output: string;
}

/** Runs a command to completion, capturing its output; never throws. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Our own timer rather than spawn's `timeout`, which lingers when the command never starts.
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    timer.unref();
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", (err) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}${err.message}` });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** apt/dpkg take a lock: installs from services started in parallel go one at a time. */
let aptQueue: Promise<unknown> = Promise.resolve();

/**
 * Installs Debian packages with apt-get (running `apt-get update` first only
 * when the plain install fails). Returns Unavailable, naming what to do by hand,
 * when apt-get is missing, this process is not root, or the install fails.
 */
export function aptInstall(packages: readonly string[]): Promise<Unavailable | undefined> {
  const next = aptQueue.then(() => aptInstallNow(packages));
  aptQueue = next.catch(() => undefined);
  return next;
}

async function aptInstallNow(packages: readonly string[]): Promise<Unavailable | undefined> {
  const manual = `apt-get install -y ${packages.join(" ")}`;
  if (findExecutable("apt-get") === undefined) {
    return { reason: `apt-get unavailable: install ${packages.join(", ")} by hand` };
  }
  if (process.getuid?.() !== 0) {
    return { reason: `not root, so apt-get cannot install it: run \`sudo ${manual}\`` };
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = ["install", "-y", "--no-install-recommends", ...packages];
  let result = await runCommand("apt-get", install, { env });
  if (result.code !== 0) {
    const update = await runCommand("apt-get", ["update"], { env });
    if (update.code !== 0) return { reason: `apt-get update failed: ${lastLine(update.output)}` };
    result = await runCommand("apt-get", install, { env });
  }
  if (result.code !== 0) return { reason: `\`${manual}\` failed: ${lastLine(result.output)}` };
  return undefined;
}

function lastLine(output: string): string {
  return output.trim().split("\n").pop() ?? "";
}
