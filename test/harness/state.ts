/**
 * `.cache/emulators/state.json`: the services `npm run emulators -- up` left
 * running, so `down` and `status` (and test runs, which reuse them) find them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { STATE_FILE } from "./paths.js";
import { groupAlive } from "./processes.js";

/** One service left running in the background. */
export interface RecordedService {
  /** Variables its tests read. */
  env: Record<string, string>;
  /** Its process groups, stopped by `down`. */
  processGroups: number[];
  /** Its run directories, removed by `down`. */
  runDirs: string[];
  /** When it was started (ISO 8601). */
  startedAt: string;
}

/** The contents of `state.json`. */
export interface EmulatorState {
  /** Services by name. */
  services: Record<string, RecordedService>;
}

/** Reads `state.json`; an empty state when it is missing or unreadable. */
export function readState(file = STATE_FILE): EmulatorState {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<EmulatorState>;
    return { services: parsed.services ?? {} };
  } catch {
    return { services: {} };
  }
}

/** Writes `state.json`, or removes it when no service is left. */
export function writeState(state: EmulatorState, file = STATE_FILE): void {
  if (Object.keys(state.services).length === 0) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Whether every process group of a recorded service is still alive. */
export function isAlive(service: RecordedService): boolean {
  return service.processGroups.length > 0 && service.processGroups.every(groupAlive);
}
