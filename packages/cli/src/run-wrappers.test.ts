/**
 * One SIGTERM stops `switchyard run` gracefully however it was started: the
 * bin itself, `npx switchyard`, `npm run`, or `tsx` on the sources. A signal to
 * the whole process group reaches the run both directly and through the
 * wrapper, and counts once; a SIGTERM to `npx` alone, which npm does not pass
 * on, stops the run too.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/switchyard.js", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const TSCONFIG = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));

let app: string;
beforeEach(async () => {
  app = await mkdtemp(join(tmpdir(), "switchyard-wrap-"));
  const scripts = { start: "switchyard run idle.ts" };
  await writeFile(
    join(app, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module", scripts }),
  );
  await mkdir(join(app, "node_modules", ".bin"), { recursive: true });
  await symlink(BIN, join(app, "node_modules", ".bin", "switchyard"));
  const streams = { transactions: "memory://tx", "dead-letters": "memory://dlq" };
  await writeFile(join(app, "switchyard.config.json"), JSON.stringify({ profiles: { local: { streams } } }));
  await writeFile(
    join(app, "idle.ts"),
    'import { pipeline } from "@switchyard/core";\nexport default pipeline("idle").from("transactions").map((x) => x);\n',
  );
});
afterEach(async () => {
  await rm(app, { recursive: true, force: true });
});

/** The test's own environment without what npm set for it (the wrappers set their own). */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !key.startsWith("npm_")) env[key] = value;
  return { ...env, SWITCHYARD_PROFILE: "", TSX_TSCONFIG_PATH: TSCONFIG };
}

/**
 * Starts `command` in a process group of its own, waits until the run is up,
 * sends SIGTERM to the group (or to the wrapper alone), and resolves with
 * everything the run printed once every process of the group let go of stderr.
 */
async function stopOnce(
  command: string[],
  target: "group" | "wrapper",
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(command[0]!, command.slice(1), {
    cwd: app,
    env: cleanEnv(),
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  try {
    const deadline = Date.now() + 90_000;
    while (!/idle {2}0 done/.test(stderr)) {
      if (Date.now() > deadline) throw new Error(`the run did not start:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.kill(target === "group" ? -child.pid! : child.pid!, "SIGTERM");
    return { code: await closed, stderr };
  } finally {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

function expectOneGracefulStop(stderr: string): void {
  const stops = stderr
    .split("\n")
    .filter((line) => /SIGTERM — draining|npm process that started this run exited/.test(line));
  expect(stops, stderr).toHaveLength(1);
  expect(stderr).not.toContain("again — abandoning");
  expect(stderr).toMatch(/idle: stopped — 0 records done/);
}

describe("one SIGTERM stops switchyard run under any wrapper", () => {
  it("as the switchyard bin", async () => {
    const { code, stderr } = await stopOnce([process.execPath, BIN, "run", "idle.ts"], "group");
    expectOneGracefulStop(stderr);
    expect(code).toBe(0);
  }, 120_000);

  it("under tsx, which relays the signal the run also gets from its group", async () => {
    // tsx itself reports the signal it relayed (exit 143) once the run has drained and stopped.
    const { stderr } = await stopOnce([TSX, MAIN, "run", "idle.ts"], "group");
    expectOneGracefulStop(stderr);
  }, 120_000);

  it("under npx, signalled as a group", async () => {
    const { stderr } = await stopOnce(["npx", "switchyard", "run", "idle.ts"], "group");
    expectOneGracefulStop(stderr);
  }, 120_000);

  it("under npx, when only npx gets the SIGTERM", async () => {
    const { stderr } = await stopOnce(["npx", "switchyard", "run", "idle.ts"], "wrapper");
    expectOneGracefulStop(stderr);
  }, 120_000);

  it("under npm run, signalled as a group", async () => {
    const { stderr } = await stopOnce(["npm", "run", "--silent", "start"], "group");
    expectOneGracefulStop(stderr);
  }, 120_000);
});
