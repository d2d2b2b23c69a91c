import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const TSCONFIG = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));

/** What a finished CLI process printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process and its collected output. */
export interface CliProcess {
  child: ChildProcess;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when the process exits. */
  exited: Promise<CliResult>;
}

/**
 * Starts `switchyard` from source (`node --import tsx main.ts`) in `cwd`, as a
 * user's shell would, with the repository's tsconfig so that `@switchyard/core`
 * in the test's config and pipeline files resolves to the sources.
 */
export function startCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  stdin?: string,
): CliProcess {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, MAIN, ...args], {
    cwd,
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG, SWITCHYARD_PROFILE: "", ...env },
    stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliResult>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

/**
 * Runs `switchyard` to completion; `stdin` is written to its standard input.
 * With `timeoutMs`, a process still running then is killed, and the result
 * (code null) carries what it printed and a line saying so, for the failure message.
 */
export async function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  stdin?: string,
  timeoutMs?: number,
): Promise<CliResult> {
  const cli = startCli(args, cwd, env, stdin);
  if (timeoutMs === undefined) return cli.exited;
  const timer = setTimeout(() => cli.child.kill("SIGKILL"), timeoutMs);
  try {
    const result = await cli.exited;
    if (result.code !== null) return result;
    return {
      ...result,
      stderr: `${result.stderr}[switchyard ${args.join(" ")}: killed after ${timeoutMs} ms]\n`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `predicate` holds for the process's output; rejects if it exits first. */
export async function waitForOutput(
  cli: CliProcess,
  predicate: (output: { stdout: string; stderr: string }) => boolean,
): Promise<void> {
  let exited = false;
  void cli.exited.then(() => (exited = true));
  while (!predicate(cli.output())) {
    if (exited) throw new Error(`the CLI exited before the expected output:\n${cli.output().stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
