import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./spawn-cli.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-doctor-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CONFIG = `
profiles:
  local:
    streams:
      transactions: memory://tx?partitions=2
      dead-letters: memory://dlq
      alerts: memory://alerts
    state:
      features: memory://
  broken:
    streams:
      transactions: memory://tx
    models:
      fraud: onnx:./model/missing.onnx
`;

const PIPELINE = `
import { pipeline } from "@switchyard/core";
export default pipeline("fraud")
  .from("transactions")
  .infer("fraud", { input: (tx) => tx, output: (tx) => tx })
  .to("alerts");
`;

describe("switchyard doctor", () => {
  it("prints a line per resource with its URL and exits 0 when all are reachable", async () => {
    await writeFile(join(dir, "switchyard.config.yaml"), CONFIG);
    const result = await runCli(["doctor"], dir);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n").filter((line) => /^[✓✗] /.test(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^✓ stream +transactions +memory:\/\/tx\?partitions=2 /);
    expect(lines[3]).toMatch(/^✓ state +features +memory:\/\//);
    expect(result.stdout).toContain("all checks passed");
    expect(result.code).toBe(0);
  });

  it("exits 1 for a missing model file and for what a pipeline needs but the profile lacks", async () => {
    await writeFile(join(dir, "switchyard.config.yaml"), CONFIG);
    await mkdir(join(dir, "src"));
    await writeFile(join(dir, "src", "fraud.ts"), PIPELINE);
    const result = await runCli(["doctor", "--profile", "broken", "--pipeline", "src/fraud.ts"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✓ stream +transactions /m);
    expect(result.stdout).toMatch(
      /^✗ model +fraud +onnx:\.\/model\/missing\.onnx +NotFound: .*model\/missing\.onnx/m,
    );
    expect(result.stdout).toContain('✗ stream "dead-letters" (dead letters) is not in profile "broken"');
    expect(result.stdout).toContain(
      '✗ stream "alerts" (to) is not in profile "broken" — add it under profiles.broken.streams',
    );
    expect(result.stdout).toContain("some checks failed");
  });

  it("never prints a secret from a TypeScript config", async () => {
    await writeFile(
      join(dir, "switchyard.config.ts"),
      `import { defineConfig } from "@switchyard/core";
const region: string = "eu-west-1";
export default defineConfig({
  profiles: { local: { streams: { tx: "kinesis://tx?region=" + region + "&secretAccessKey=\${AWS_SECRET}" } } },
});
`,
    );
    const result = await runCli(["doctor"], dir, { AWS_SECRET: "wJalrXUtnFEMIK7MDENG" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("kinesis://tx?region=eu-west-1&secretAccessKey=***");
    expect(result.stdout).toContain("npm install @switchyard/adapter-aws and add aws() to adapters");
    expect(`${result.stdout}${result.stderr}`).not.toContain("wJalrXUtnFEMIK7MDENG");
  });
});
