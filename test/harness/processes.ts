/**
 * Local service processes: each runs detached in its own session (setsid), so
 * one signal to its process group stops it with every child it forked. Groups
 * still alive when this process exits or is interrupted are killed, and a small
 * watchdog kills them even if this process dies without running any handler.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { procStats } from "./proc-stat.js";

/** A local process started by {@link spawnService}. */
export interface ServiceProcess {
  /** The process id, which is also its process-group id. */
  pid: number;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Resolves with the exit code (or signal name) once the leader process exits. */
  exited: Promise<number | string>;
  /** Whether the leader process is still running. */
  running(): boolean;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
  /** Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link spawnService}. */
export interface SpawnOptions {
  /** File that receives stdout and stderr (appended). */
  logFile: string;
  /** Working directory. Default: the current one. */
  cwd?: string;
  /** Extra environment variables on top of this process's. */
  env?: Record<string, string>;
}

/** Which service a spawned group or run directory belongs to, for `npm run emulators -- down`. */
const scope = new AsyncLocalStorage<string>();
const groups = new Map<number, string | undefined>();
const runDirs = new Map<string, string | undefined>();
let outlive = false;
let handlersInstalled = false;

/** Runs `fn` so that processes and run directories it creates are recorded under `service`. */
export function inServiceScope<T>(service: string, fn: () => Promise<T>): Promise<T> {
  return scope.run(service, fn);
}

/**
 * Turns the scope tracking off once services are up. While an AsyncLocalStorage
 * is enabled, Node runs a hook on every promise of the process, which would tax
 * benchmarks and tests that start services in-process. `inServiceScope` turns
 * it on again when needed.
 */
export function endServiceScopes(): void {
  scope.disable();
}

/** Records a run directory under the current service scope. */
export function tagRunDir(dir: string): void {
  runDirs.set(dir, scope.getStore());
}

/** The live process groups and run directories recorded for `service`. */
export function resourcesOf(service: string): { processGroups: number[]; runDirs: string[] } {
  const pick = (map: Map<number, string | undefined> | Map<string, string | undefined>) =>
    [...map].filter(([, owner]) => owner === service).map(([item]) => item);
  return { processGroups: pick(groups) as number[], runDirs: pick(runDirs) as string[] };
}

/**
 * Lets processes started from now on outlive this one (no watchdog), for
 * `npm run emulators -- up`; call {@link releaseProcesses} once they are ready.
 */
export function outliveThisProcess(): void {
  outlive = true;
}

/** Forgets every recorded group and run directory, so exiting this process leaves them be. */
export function releaseProcesses(): void {
  groups.clear();
  runDirs.clear();
}

/** Starts `command` detached in its own session, output to `options.logFile`. */
export function spawnService(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ServiceProcess {
  installHandlers();
  const fd = openSync(options.logFile, "a");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  child.unref();
  let exitStatus: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      exitStatus = code ?? signal ?? "unknown";
      resolve(exitStatus);
    });
    child.once("error", (err) => {
      exitStatus = err.message;
      resolve(exitStatus);
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    return deadProcess(options.logFile, exited);
  }
  groups.set(pid, scope.getStore());
  if (!outlive) watchGroup(pid, process.pid);
  return {
    pid,
    logFile: options.logFile,
    exited,
    running: () => exitStatus === undefined,
    logTail: (lines) => logTail(options.logFile, lines),
    stop: async (graceMs = 5000) => {
      await stopProcessGroup(pid, graceMs);
      // The group is gone; let Node reap the leader too, so `running()` agrees.
      await Promise.race([exited, delay(1000)]);
      groups.delete(pid);
    },
  };
}

/** Whether any process of group `pgid` is still alive (zombies waiting to be reaped do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  return process.platform !== "linux" || liveMembers(pgid) > 0;
}

/**
 * Members of group `pgid` that are not zombies, from /proc. Orphaned children
 * are reaped by PID 1, which in containers can take seconds; until then
 * `kill(-pgid, 0)` still succeeds.
 */
function liveMembers(pgid: number): number {
  return procStats().filter((p) => p.pgrp === pgid && p.state !== "Z").length;
}

/** Stops process group `pgid` (SIGTERM, then SIGKILL after `graceMs`) and waits until it is gone. */
export async function stopProcessGroup(pgid: number, graceMs = 5000): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await delay(25);
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGKILL");
  const hardDeadline = Date.now() + 2000;
  while (groupAlive(pgid) && Date.now() < hardDeadline) await delay(25);
}

/** The last `lines` lines of a log file, or `""` when it cannot be read. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Kills every recorded group at once; used from signal and exit handlers, which cannot wait. */
function killAll(signal: NodeJS.Signals): void {
  for (const pgid of groups.keys()) signalGroup(pgid, signal);
  groups.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once("exit", () => {
    killAll("SIGTERM");
    for (const dir of runDirs.keys()) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      killAll("SIGTERM");
      process.removeListener(signal, onSignal);
      // Without other listeners the default action (exit) would be lost: raise it again.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Starts a watchdog: a shell loop, in its own session, that stops group `pgid`
 * (SIGTERM, SIGKILL 3 s later) once process `ownerPid` is gone — even when the
 * owner was killed with SIGKILL — and exits by itself when the group ends first.
 */
export function watchGroup(pgid: number, ownerPid: number): void {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "-$2" 2>/dev/null; do sleep 1; done; ' +
    'kill -0 "-$2" 2>/dev/null || exit 0; kill -TERM "-$2"; ' +
    'for _ in 1 2 3 4 5 6; do sleep 0.5; kill -0 "-$2" 2>/dev/null || exit 0; done; kill -KILL "-$2"; exit 0';
  const watchdog = spawn("sh", ["-c", script, "watchdog", String(ownerPid), String(pgid)], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
}

function deadProcess(logFile: string, exited: Promise<number | string>): ServiceProcess {
  return {
    pid: -1,
    logFile,
    exited,
    running: () => false,
    logTail: (lines) => logTail(logFile, lines),
    stop: async () => undefined,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
