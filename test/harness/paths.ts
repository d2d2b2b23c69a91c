import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tagRunDir } from "./processes.js";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The git-ignored folder where emulator binaries, run directories and `state.json` live. */
export const EMULATOR_CACHE = join(REPO_ROOT, ".cache", "emulators");

/** Where `npm run emulators -- up` records what it started. */
export const STATE_FILE = join(EMULATOR_CACHE, "state.json");

/**
 * Makes a fresh run directory for one instance of a service under
 * `.cache/emulators/run/`, for its data and log. Stopping the service removes it.
 */
export function makeRunDir(service: string): string {
  const parent = join(EMULATOR_CACHE, "run");
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `${service}-`));
  tagRunDir(dir);
  return dir;
}
