/**
 * Floods under a small heap: a pipeline in a child process with a 128 MiB
 * heap reads 160 records of 1 MiB, then a burst of 200,000 small ones, from a
 * source that runs far ahead of a slow step. Without a bound on the bytes held
 * in prefetch and in flight, the decoded 1 MiB records fill the heap and V8
 * aborts the process; with it, every record is written.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const HEAP_MIB = 128;
const SCRIPT = fileURLToPath(new URL("./flood-run.ts", import.meta.url));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function flood(kind: "large" | "small"): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${HEAP_MIB}`, "--import", "tsx", SCRIPT, kind],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe(`a pipeline under a flood with a ${HEAP_MIB} MiB heap`, () => {
  for (const [kind, count] of [
    ["large", 160],
    ["small", 200_000],
  ] as const) {
    it(
      `writes every one of ${count} ${kind} records without running out of heap`,
      { timeout: 180_000 },
      async () => {
        const outcome = await flood(kind);
        expect(outcome.stderr).not.toMatch(/heap out of memory/);
        expect(outcome.code, outcome.stderr.slice(-2000)).toBe(0);
        const result = JSON.parse(outcome.stdout.trim().split("\n").at(-1)!) as {
          processed: number;
          deadLetters: number;
          peakHeapMiB: number;
        };
        expect(result).toMatchObject({ processed: count, deadLetters: 0 });
        expect(result.peakHeapMiB).toBeLessThan(HEAP_MIB);
      },
    );
  }
});
