/**
 * Pipeline instances as separate processes: `switchyard run <module>` started
 * from the CLI's sources, as an operator would start one per machine, and
 * stopped (gracefully or with SIGKILL) by the test.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const CLI_MAIN = fileURLToPath(new URL("../../packages/cli/src/main.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
/** The root tsconfig maps `@switchyard/core` to its sources, as vitest's aliases do. */
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
/** Output kept per instance, for failure messages. */
const OUTPUT_TAIL = 4000;

/** How a pipeline instance ended. */
export interface InstanceExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: NodeJS.Signals | null;
}

/** One running `switchyard run` process. */
export interface PipelineInstance {
  /** The name the test gave it (also its `E2E_INSTANCE`). */
  readonly name: string;
  /** The process. */
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<InstanceExit>;
  /** The last few thousand characters it printed (stdout and stderr). */
  output(): string;
  /** Whether it still runs. */
  running(): boolean;
}

/** Options of {@link startInstance}. */
export interface StartInstanceOptions {
  /** Working directory, holding `switchyard.config.ts`. */
  cwd: string;
  /** Variables besides the test process's own. */
  env: Record<string, string>;
}

/** Starts `switchyard run <args…>` with `E2E_INSTANCE=<name>`. */
export function startInstance(
  name: string,
  args: readonly string[],
  options: StartInstanceOptions,
): PipelineInstance {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, CLI_MAIN, "run", ...args], {
    cwd: options.cwd,
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG, ...options.env, E2E_INSTANCE: name },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited = false;
  const done = new Promise<InstanceExit>((resolve) =>
    child.once("close", (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  return { name, child, exited: done, output: () => output, running: () => !exited };
}

/**
 * Sends `signal` and waits for the instance to exit; after `timeoutMs` it is
 * killed with SIGKILL. Resolves at once for an instance that already exited.
 */
export async function stopInstance(
  instance: PipelineInstance,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<InstanceExit> {
  if (!instance.running()) return instance.exited;
  instance.child.kill(signal);
  const timer = setTimeout(() => instance.child.kill("SIGKILL"), timeoutMs);
  try {
    return await instance.exited;
  } finally {
    clearTimeout(timer);
  }
}
