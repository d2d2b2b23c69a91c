/**
 * Pipeline instances as separate processes: `switchyard run <module>` started
 * from the CLI's sources, as an operator would start one per machine, and
 * stopped gracefully or killed by the test. They are started like the
 * harness's servers, so they die with the test run even if it is interrupted.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";

const CLI_MAIN = fileURLToPath(new URL("../../packages/cli/src/main.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
/** The root tsconfig maps `@switchyard/core` to its sources, as vitest's aliases do. */
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));

/** One running `switchyard run` process. */
export interface PipelineInstance {
  /** The name the test gave it (also its `E2E_INSTANCE`). */
  readonly name: string;
  /** The process (leader of its own process group). */
  readonly process: ServiceProcess;
  /** Whether it still runs. */
  running(): boolean;
  /** The last lines it printed. */
  output(): string;
}

/** Options of {@link startInstance}. */
export interface StartInstanceOptions {
  /** Working directory, holding `switchyard.config.ts`. */
  cwd: string;
  /** Variables besides the test process's own. */
  env: Record<string, string>;
  /** Folder for the instance's log, `<name>.log`. */
  logDir: string;
}

/** Starts `switchyard run <args…>` with `E2E_INSTANCE=<name>`, in its own process group. */
export function startInstance(
  name: string,
  args: readonly string[],
  options: StartInstanceOptions,
): PipelineInstance {
  const child = spawnService(process.execPath, ["--import", TSX_LOADER, CLI_MAIN, "run", ...args], {
    logFile: join(options.logDir, `${name}.log`),
    cwd: options.cwd,
    env: { TSX_TSCONFIG_PATH: TSCONFIG, SWITCHYARD_PROFILE: "", ...options.env, E2E_INSTANCE: name },
  });
  return { name, process: child, running: () => child.running(), output: () => child.logTail(20) };
}

/** Kills the instance with SIGKILL, as a crash or an OOM kill would, and waits until it is gone. */
export async function killInstance(instance: PipelineInstance): Promise<number | string> {
  if (instance.running()) process.kill(-instance.process.pid, "SIGKILL");
  return instance.process.exited;
}

/**
 * Asks the instance to stop with SIGTERM (drain, flush, commit) and resolves
 * with its exit code; after `timeoutMs` its whole group is killed instead.
 */
export async function stopInstance(instance: PipelineInstance, timeoutMs: number): Promise<number | string> {
  if (!instance.running()) return instance.process.exited;
  process.kill(instance.process.pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  try {
    const exit = await Promise.race([instance.process.exited, overdue]);
    if (exit !== undefined) return exit;
    await instance.process.stop(1000);
    return `killed after ${timeoutMs} ms without stopping`;
  } finally {
    clearTimeout(timer);
  }
}
