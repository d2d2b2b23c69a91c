/**
 * Every package of this repository, built and published once to the test
 * registry for a whole suite: the apps of the suite install from it. The
 * version is a test version (`0.0.0-registry.<time>`), so a run never meets
 * the packages of an earlier one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { REPO_ROOT } from "../harness/paths.js";
import { describeRun, run } from "./npm.js";
import type { Finished } from "./npm.js";
import { publish, publishablePackages, registerUser, stagePackage } from "./packages.js";

/** Building the repository and publishing every package take minutes on a loaded machine. */
const PUBLISH_TIMEOUT_MS = 1_500_000;

/** What a suite's apps install from: filled in by the suite's `beforeAll`. */
export interface Published {
  /** The registry's URL, `http://127.0.0.1:<port>/`. */
  readonly registry: string;
  /** The version every `@switchyard/*` package was published at. */
  readonly version: string;
  /** Each published package's unpacked directory (what the registry holds), by name. */
  readonly staged: Map<string, string>;
  /** The suite's scratch directory, removed after the suite. */
  work(): string;
}

/**
 * Registers the current suite's hooks that build the repository, publish every
 * package to the registry at `registry`, and remove the scratch directory after.
 */
export function publishForSuite(registry: string): Published {
  const version = `0.0.0-registry.${Date.now()}`;
  const staged = new Map<string, string>();
  let work = "";

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "switchyard-registry-"));
    const build = await run("npm", ["run", "build"], { cwd: REPO_ROOT });
    if (build.code !== 0) throw new Error(describeRun("npm run build", build));
    const token = await registerUser(registry);
    for (const pkg of publishablePackages()) {
      const dir = await stagePackage(pkg, join(work, "stage"), version);
      staged.set(pkg.name, dir);
      await publish(dir, registry, token, join(work, "publish.npmrc"));
    }
  }, PUBLISH_TIMEOUT_MS);

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  return { registry, version, staged, work: () => work };
}

/** The one `.npmrc` line of an app that installs Switchyard from `registry`: the scope, nothing else. */
export function scopeLine(registry: string): string {
  return `@switchyard:registry=${registry}\n`;
}

/** `npm install` in `dir` (with `env` added), failing with npm's output when it fails; resolves with that output. */
export async function npmInstall(dir: string, env: Record<string, string> = {}): Promise<Finished> {
  const args = ["install", "--no-audit", "--no-fund", "--prefer-offline"];
  const install = await run("npm", args, { cwd: dir, env });
  if (install.code !== 0) throw new Error(describeRun(`npm install in ${dir}`, install));
  return install;
}

/** The JSON summary `switchyard run --json` prints as its last stdout line when it stops. */
export function summary(stdout: string): unknown {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return last.startsWith("{") ? JSON.parse(last) : { stdout };
}
