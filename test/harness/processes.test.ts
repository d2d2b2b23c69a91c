import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { groupAlive, spawnService, stopProcessGroup, watchGroup } from "./processes.js";

const dir = mkdtempSync(join(tmpdir(), "harness-processes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe("service processes", () => {
  it("stops the whole process group, children included", async () => {
    // A shell that forks a grandchild: stopping must reach both.
    const service = spawnService("sh", ["-c", "sleep 60 & wait"], { logFile: join(dir, "group.log") });
    expect(await eventually(() => groupAlive(service.pid))).toBe(true);
    await service.stop(2000);
    expect(groupAlive(service.pid)).toBe(false);
    expect(service.running()).toBe(false);
  });

  it("falls back to SIGKILL for a process that ignores SIGTERM", async () => {
    const service = spawnService("sh", ["-c", "trap '' TERM; while true; do sleep 0.1; done"], {
      logFile: join(dir, "stubborn.log"),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stopProcessGroup(service.pid, 300);
    expect(groupAlive(service.pid)).toBe(false);
  });

  it("keeps the output of a process that exits early, for the error message", async () => {
    const service = spawnService("sh", ["-c", "echo 'bind: Address already in use'; exit 3"], {
      logFile: join(dir, "early.log"),
    });
    expect(await service.exited).toBe(3);
    expect(service.logTail()).toContain("Address already in use");
  });

  it("stops a group once its owner process dies, even by SIGKILL", async () => {
    const owner = spawn("sleep", ["60"], { stdio: "ignore" });
    const service = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
    watchGroup(service.pid!, owner.pid!);
    owner.kill("SIGKILL");
    expect(await eventually(() => !groupAlive(service.pid!), 4000)).toBe(true);
  });
});
