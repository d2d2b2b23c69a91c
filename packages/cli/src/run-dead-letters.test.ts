import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startCli } from "./spawn-cli.js";
import type { CliResult } from "./spawn-cli.js";

let dir: string;

/** 2,000 records in the in-process `memory://tx` stream. */
const CONFIG = `import { defineConfig, embedded } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";

const memory = embedded().schemes.find((s) => s.kind === "stream" && s.scheme === "memory")!;
const tx = (await memory.create(new URL("memory://tx?partitions=2"), { name: "seed", baseDir: "." })) as StreamDriver;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
await tx.send(
  Array.from({ length: 2000 }, (_, id) => ({ key: String(id), value: encode({ id }), headers: {}, timestamp: Date.now() })),
  AbortSignal.timeout(5000),
);

export default defineConfig({
  profiles: { local: { streams: { transactions: "memory://tx?partitions=2", out: "memory://out", "dead-letters": "memory://dlq" } } },
});
`;

/** A step that throws on every record. */
const POISONED = `import { pipeline } from "@switchyard/core";

export default pipeline("poisoned")
  .from<{ id: number }>("transactions")
  .map((r) => {
    throw new Error(\`cannot score record \${r.id}\`);
  })
  .to("out")
  .configure({ retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 } });
`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-dead-letters-"));
  await writeFile(join(dir, "switchyard.config.mts"), CONFIG);
  await writeFile(join(dir, "poisoned.ts"), POISONED);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("switchyard run with a step that fails on every record", () => {
  it("shows the first dead letters and, with --max-dead-letter-ratio, stops by itself with exit 1", async () => {
    const cli = startCli(["run", "poisoned.ts", "--max-dead-letter-ratio", "0.5", "--json"], dir);
    const timer = setTimeout(() => cli.child.kill("SIGKILL"), 60_000);
    let result: CliResult;
    try {
      result = await cli.exited;
    } finally {
      clearTimeout(timer);
    }
    expect(result.code).toBe(1);
    const shown = result.stderr.split("\n").filter((line) => line.includes("dead letter: map#0:"));
    expect(shown[0]).toMatch(/Error: cannot score record \d+ \(partition \d, offset \d+, 2 attempts\)/);
    expect(shown.length, "rate-limited, not one line per record").toBeLessThan(5);
    const last = result.stderr.trim().split("\n").at(-1);
    expect(last).toMatch(
      /^switchyard run: FailedPrecondition: [\d,]+ of the last [\d,]+ records \(100%\) went to the dead-letter stream, more than the allowed 50%/,
    );
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
    expect(summary).toMatchObject({ exitCode: 1, error: { code: "FailedPrecondition" } });
  }, 90_000);

  it("refuses a ratio outside 0–1 as bad usage", async () => {
    const result = await startCli(["run", "poisoned.ts", "--max-dead-letter-ratio", "5"], dir).exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--max-dead-letter-ratio must be a share between 0 and 1");
  }, 30_000);
});
