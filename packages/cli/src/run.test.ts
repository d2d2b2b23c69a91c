import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, startCli, waitForOutput } from "./spawn-cli.js";

let dir: string;

/**
 * A TypeScript config whose module also seeds two transactions into the
 * in-process `memory://tx` stream (memory streams are shared by name within the
 * process), so the run has real records to process.
 */
const CONFIG = `import { defineConfig, embedded } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";

const memory = embedded().schemes.find((s) => s.kind === "stream" && s.scheme === "memory")!;
const tx = (await memory.create(new URL("memory://tx?partitions=2"), { name: "seed", baseDir: "." })) as StreamDriver;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
await tx.send(
  [
    { key: "a", value: encode({ id: "a", score: 0.95 }), headers: {}, timestamp: Date.now() },
    { key: "b", value: encode({ id: "b", score: 0.1 }), headers: {}, timestamp: Date.now() },
  ],
  AbortSignal.timeout(5000),
);

export default defineConfig({
  profiles: {
    local: {
      streams: { transactions: "memory://tx?partitions=2", alerts: "memory://alerts", "dead-letters": "memory://dlq" },
      timeseries: { scores: "file:./scores.ndjson" },
    },
    empty: {},
  },
});
`;

const PIPELINE = `import { pipeline } from "@switchyard/core";

const threshold: number = 0.9;
export default pipeline("fraud")
  .from<{ id: string; score: number }>("transactions")
  .map((tx) => {
    process.stderr.write(\`seen \${tx.id}\\n\`);
    return tx;
  })
  .filter((tx) => tx.score > threshold)
  .to("alerts")
  .record("scores", (tx) => ({ tags: { id: tx.id }, fields: { score: tx.score } }));
`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-run-"));
  await writeFile(join(dir, "switchyard.config.mts"), CONFIG);
  await writeFile(join(dir, "fraud.ts"), PIPELINE);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("switchyard run", () => {
  it("runs a TypeScript pipeline on a TypeScript config and drains, flushes and stops on SIGINT", async () => {
    const cli = startCli(["run", "fraud.ts", "--json"], dir);
    await waitForOutput(cli, ({ stderr }) => stderr.includes("seen a") && stderr.includes("seen b"));
    // Idle on an in-process stream (no I/O handle), the run must keep running until signalled.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(cli.child.exitCode).toBeNull();
    cli.child.kill("SIGINT");
    const result = await cli.exited;
    expect(result.stderr).toContain('fraud: running on profile "local"');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
    expect(summary).toMatchObject({ pipeline: "fraud", processed: 2, deadLetters: 0, profile: "local" });
    // Two seconds idle: the rate over the busy span is above the rate over the wall time.
    expect(summary.busyMs).toBeLessThan(summary.uptimeMs as number);
    expect(summary.busyEventsPerSec).toBeGreaterThan(summary.eventsPerSec as number);
    expect(result.stderr).toMatch(
      /fraud: stopped — 2 records done \(0 of them dead-lettered\); \d+\/s over [\d.]+ s busy/,
    );

    // file: resolved against the config's directory; the sink was flushed before exit.
    const points = (await readFile(join(dir, "scores.ndjson"), "utf8")).trim().split("\n");
    expect(points).toHaveLength(1);
    expect(JSON.parse(points[0] ?? "")).toMatchObject({ tags: { id: "a" }, fields: { score: 0.95 } });
  });

  it("names every accepted config file and --config when there is none", async () => {
    await rm(join(dir, "switchyard.config.mts"));
    const result = await runCli(["run", "fraud.ts"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no switchyard.config.{ts,mts,js,mjs,json,yaml,yml} in");
    expect(result.stderr).toContain("--config <file>");
  });

  it("refuses to start when the profile lacks a stream the pipeline names", async () => {
    const result = await runCli(["run", "fraud.ts", "--profile", "empty"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'stream "transactions" is not in profile "empty" — add it under profiles.empty.streams',
    );
  });

  it("names the profiles when the chosen one does not exist", async () => {
    const result = await runCli(["run", "fraud.ts"], dir, { SWITCHYARD_PROFILE: "aws" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'profile "aws" (from SWITCHYARD_PROFILE) is not in switchyard.config.mts — profiles: local, empty',
    );
    const typo = await runCli(["run", "fraud.ts", "--profile", "lcoal"], dir);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      'profile "lcoal" (from --profile) is not in switchyard.config.mts — did you mean "local"?',
    );
  });
});
