/**
 * A long-running command of the app under test (`npx switchyard run …`): its
 * output as it comes, and a way to stop it with SIGTERM as a user's Ctrl-C or
 * a container stop would.
 */
import { spawn } from "node:child_process";
import { userEnvironment } from "./npm.js";

/** A started command. */
export interface Started {
  /** stdout so far. */
  stdout(): string;
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /**
   * Sends SIGTERM to the command and the processes it started, as Ctrl-C in a
   * terminal reaches the whole foreground group: npx does not pass a signal on.
   */
  terminate(): void;
}

/** Starts `command` in `cwd`, in a process group of its own, with the user's environment plus `env`. */
export function start(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Started {
  const child = spawn(command, args, {
    cwd,
    env: userEnvironment(env),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | string>((resolve) => {
    child.once("close", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    terminate: () => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    },
  };
}

/** Resolves once `check` holds, polling; rejects after `timeoutMs` with `what` and `detail()`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  detail: () => string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
