import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tagRunDir } from "./processes.js";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The git-ignored folder where emulator binaries, run directories and `state.json` live. */
export const EMULATOR_CACHE = join(REPO_ROOT, ".cache", "emulators");

/** Where `npm run emulators -- up` records what it started. */
export const STATE_FILE = join(EMULATOR_CACHE, "state.json");

/** Where run directories live. */
const RUN_ROOT = join(EMULATOR_CACHE, "run");

/** The file in a run directory naming the process that made it. */
const OWNER_FILE = ".owner-pid";

/**
 * Makes a fresh run directory for one instance of a service under
 * `.cache/emulators/run/`, for its data and log. Stopping the service removes it.
 */
export function makeRunDir(service: string): string {
  mkdirSync(RUN_ROOT, { recursive: true });
  const dir = mkdtempSync(join(RUN_ROOT, `${service}-`));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  tagRunDir(dir);
  return dir;
}

/**
 * Removes run directories left by runs that were killed before they could
 * clean up: those whose maker is gone, except the ones listed in `keep`
 * (services left running by `npm run emulators -- up`).
 */
export function sweepRunDirs(keep: readonly string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(RUN_ROOT);
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(RUN_ROOT, entry);
    if (keep.includes(dir)) continue;
    if (!stale(dir)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a run directory's maker is gone; without an owner file, whether it is over an hour old. */
function stale(dir: string): boolean {
  try {
    const owner = Number(readFileSync(join(dir, OWNER_FILE), "utf8"));
    return !(Number.isInteger(owner) && owner > 0 && processAlive(owner));
  } catch {
    try {
      return Date.now() - statSync(dir).mtimeMs > 3_600_000;
    } catch {
      return false;
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
