/**
 * `npx switchyard` as a user meets it: right after `npm install` in a fresh
 * clone (nothing built), and from the packed package. Both run from a
 * directory outside the repository.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const CLI_DIR = fileURLToPath(new URL("..", import.meta.url));

/** One `bin` entry of a workspace package. */
interface Bin {
  /** The package's folder, relative to the repository. */
  dir: string;
  /** The command's name. */
  name: string;
  /** The file it runs, relative to the package (as package-lock.json writes it). */
  target: string;
  /** The file it runs, relative to the repository. */
  file: string;
}

/** Every `bin` of every workspace package. */
function workspaceBins(): Bin[] {
  const bins: Bin[] = [];
  for (const folder of readdirSync(join(REPO, "packages"))) {
    const dir = `packages/${folder}`;
    const manifest = JSON.parse(readFileSync(join(REPO, dir, "package.json"), "utf8")) as {
      bin?: string | Record<string, string>;
    };
    const entries = typeof manifest.bin === "string" ? { [folder]: manifest.bin } : (manifest.bin ?? {});
    for (const [name, file] of Object.entries(entries)) {
      const target = file.replace(/^\.\//, "");
      bins.push({ dir, name, target, file: `${dir}/${target}` });
    }
  }
  return bins;
}

describe("the switchyard command", () => {
  const outside = mkdtempSync(join(tmpdir(), "switchyard-bin-"));
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  it("has every bin of every package in git, so npm links it on a fresh clone's first install", async () => {
    const bins = workspaceBins();
    expect(bins.map((b) => b.name)).toContain("switchyard");
    // npm links a bin at install time only if its file exists then: a file under dist/ does not yet.
    const { stdout } = await exec("git", ["ls-files", "--", ...bins.map((b) => b.file)], { cwd: REPO });
    const tracked = new Set(stdout.split("\n").filter((line) => line !== ""));
    expect(bins.filter((b) => !tracked.has(b.file))).toEqual([]);
  });

  it("has the same bins in package-lock.json, which a fresh clone's first install links from", () => {
    const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as {
      packages: Record<string, { bin?: Record<string, string> }>;
    };
    for (const bin of workspaceBins()) {
      expect(lock.packages[bin.dir]?.bin?.[bin.name], `${bin.name} of ${bin.dir}`).toBe(bin.target);
    }
  });

  it("runs with npx from outside the repository, through the bin npm links, before any build", async () => {
    // What `npm install` makes of a clone: the package linked into node_modules and its bin into .bin.
    mkdirSync(join(outside, "node_modules", ".bin"), { recursive: true });
    mkdirSync(join(outside, "node_modules", "@switchyard"), { recursive: true });
    symlinkSync(CLI_DIR, join(outside, "node_modules", "@switchyard", "cli"));
    symlinkSync(
      join("..", "@switchyard", "cli", "bin", "switchyard.js"),
      join(outside, "node_modules", ".bin", "switchyard"),
    );
    const { stdout } = await exec("npx", ["--no-install", "switchyard", "--help"], {
      cwd: outside,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^switchyard — real-time AI pipelines/);
    expect(stdout).toMatch(/run\s+/);
  }, 90_000);

  it("ships its bin in the packed package", async () => {
    const { stdout } = await exec("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: CLI_DIR,
      timeout: 60_000,
    });
    const [packed] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    expect(packed.files.map((f) => f.path)).toContain("bin/switchyard.js");
  }, 90_000);
});
