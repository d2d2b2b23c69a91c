/**
 * Runs npm, npx and node for the registry tests as a user's shell would:
 * without the `npm_*` variables and `node_modules/.bin` path entries that
 * `npm test` hands its children, so no setting of this repository (its
 * `.npmrc`, its binaries) reaches the project under test.
 */
import { spawn } from "node:child_process";
import { delimiter } from "node:path";

/** The result of a finished command. */
export interface Finished {
  /** Exit code, or -1 when it was killed or could not start. */
  code: number;
  /** stdout. */
  stdout: string;
  /** stderr. */
  stderr: string;
}

/** This process's environment minus everything npm adds for scripts it runs. */
export function userEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_/i.test(key) || key === "INIT_CWD") continue;
    env[key] = value;
  }
  env.PATH = (env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => !entry.includes("node_modules"))
    .join(delimiter);
  return { ...env, ...extra };
}

/** Runs `command` in `cwd` with the user's environment (plus `env`), capturing its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: userEnvironment(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    timer.unref();
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-50_000)));
    child.once("error", (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${err.message}` });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** `result`'s output for an assertion message. */
export function describeRun(what: string, result: Finished): string {
  return `${what} exited ${result.code}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`;
}
