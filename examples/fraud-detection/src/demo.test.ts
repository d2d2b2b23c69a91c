import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { DemoSummary } from "./summary.js";
import { generateTransactions } from "./generator.js";

const run = promisify(execFile);
const exampleDir = fileURLToPath(new URL("..", import.meta.url));

describe("npm run demo", () => {
  it("scores a small seeded run on the local profile and prints the summary as its last JSON line", async () => {
    const events = 20_000;
    const seed = 5;
    const { stdout } = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/demo.ts",
        "--events",
        String(events),
        "--seed",
        String(seed),
        "--rate",
        "0",
        "--json",
      ],
      { cwd: exampleDir, env: { ...process.env, SWITCHYARD_PROFILE: "" }, timeout: 90_000 },
    );
    const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as DemoSummary;
    const corrupt = [...generateTransactions(events, { seed })].filter((e) => e.kind === "corrupt").length;

    expect(summary.profile).toBe("local");
    expect(summary.events).toBe(events);
    expect(summary.deadLetters).toBe(corrupt);
    expect(summary.alerts).toBeGreaterThan(0);
    expect(summary.precision).toBeGreaterThan(0.7);
    expect(summary.recall).toBeGreaterThan(0.6);
    expect(summary.eventsPerSec).toBeGreaterThan(0);
    expect(summary.p99Ms).toBeGreaterThanOrEqual(summary.p50Ms);
  }, 120_000);
});
