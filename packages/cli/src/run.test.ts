import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, startCli, waitForOutput } from "./spawn-cli.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-run-"));
  await writeFile(
    join(dir, "switchyard.config.ts"),
    `import { defineConfig } from "@switchyard/core";
export default defineConfig({
  profiles: {
    local: {
      streams: { transactions: "memory://tx?partitions=2", alerts: "memory://alerts", "dead-letters": "memory://dlq" },
    },
    empty: {},
  },
});
`,
  );
  await writeFile(
    join(dir, "fraud.ts"),
    `import { pipeline } from "@switchyard/core";
const threshold: number = 0.9;
export default pipeline("fraud").from<{ score: number }>("transactions").filter((tx) => tx.score > threshold).to("alerts");
`,
  );
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("switchyard run", () => {
  it("runs a TypeScript pipeline on a TypeScript config and stops cleanly on SIGINT", async () => {
    const cli = startCli(["run", "fraud.ts", "--json"], dir);
    await waitForOutput(cli, ({ stderr }) => stderr.includes('fraud: running on profile "local"'));
    cli.child.kill("SIGINT");
    const result = await cli.exited;
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
    expect(summary).toMatchObject({ pipeline: "fraud", processed: 0, deadLetters: 0, profile: "local" });
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
    expect(result.stderr).toContain('profile "aws" is not in switchyard.config.ts — profiles: local, empty');
  });
});
