import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const FUZZ = fileURLToPath(new URL("../../../../scripts/fuzz.ts", import.meta.url));

/** The heap the fuzzing process gets: a codec that allocated without bound on any case would kill it. */
const HEAP_MIB = 96;
/** Cases per codec: seeded, so every run sees the same ones. */
const CASES = 1000;
/** The slowest a single case may be, generous for a loaded machine; a hang or a quadratic blow-up exceeds it. */
const MAX_CASE_MS = 2000;

const CODECS = ["json", "raw", "avro", "avro with registry", "wire format", "protobuf"];
const KINDS = ["random", "truncated", "bit-flip", "byte-set", "huge-length", "splice", "deep"];

interface Report {
  codec: string;
  cases: number;
  rejected: number;
  decoded: number;
  failed: number;
  maxMs: number;
  byKind: Record<string, number>;
  failures: unknown[];
}

let exit: number | null;
let stderr = "";
let reports: Report[] = [];

beforeAll(async () => {
  const args = [`--max-old-space-size=${HEAP_MIB}`, "--import", TSX_LOADER, FUZZ];
  const child = spawn(process.execPath, [...args, "--cases", String(CASES), "--seed", "20261130", "--json"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  exit = await new Promise((resolve) => child.on("close", resolve));
  const last = stdout.trim().split("\n").at(-1) ?? "";
  reports = last.startsWith("{") ? (JSON.parse(last) as { reports: Report[] }).reports : [];
}, 180_000);

describe(`codecs under ${CASES} seeded hostile payloads each, in a process with a ${HEAP_MIB} MiB heap`, () => {
  it("the fuzzing process finishes without crashing", () => {
    expect(stderr).not.toContain("heap out of memory");
    expect(exit, stderr.slice(-2000)).toBe(0);
    expect(reports.map((r) => r.codec)).toEqual(CODECS);
  });

  it.each(CODECS)(
    "%s: every case is rejected as InvalidArgument or decodes to a valid value, in bounded time",
    (name) => {
      const report = reports.find((r) => r.codec === name);
      expect(report, "no report: the fuzzing process did not finish").toBeDefined();
      expect(report!.failures).toEqual([]);
      expect(report!.cases).toBe(CASES);
      expect(report!.rejected + report!.decoded).toBe(CASES);
      expect(Object.keys(report!.byKind).sort()).toEqual([...KINDS].sort());
      expect(report!.maxMs).toBeLessThan(MAX_CASE_MS);
      // Raw takes any bytes; every other codec must have refused most of these payloads.
      if (name === "raw") expect(report!.decoded).toBe(CASES);
      else expect(report!.rejected).toBeGreaterThan(CASES / 2);
    },
  );
});
