import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeRunDir, sweepRunDirs } from "./paths.js";

/** The pid of a process that has already exited. */
function deadPid(): number {
  return Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
}

describe("run directories", () => {
  it("sweeps directories whose maker is gone, keeping live and listed ones", () => {
    const live = makeRunDir("sweep-test");
    const orphan = makeRunDir("sweep-test");
    const listed = makeRunDir("sweep-test");
    writeFileSync(join(orphan, ".owner-pid"), String(deadPid()));
    writeFileSync(join(listed, ".owner-pid"), String(deadPid()));
    sweepRunDirs([listed]);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(listed)).toBe(true);
    for (const dir of [live, listed]) rmSync(dir, { recursive: true, force: true });
  });
});
