import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@switchyard/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanRuns, planRun } from "./plan.js";

const config = defineConfig({
  profiles: {
    disk: {
      streams: { transactions: "memory://transactions", audit: "nats://audit-${FRAUD_RUN:-fraud}" },
      timeseries: {
        fraud_scores: "file:./${FRAUD_RUN:-fraud}.scores.ndjson",
        totals: "file:./totals.ndjson",
      },
    },
  },
});
const SOURCE = { stream: "transactions", group: "fraud-scorer" };

describe("a demo run's plan and clean-up", () => {
  let baseDir: string;
  beforeAll(async () => {
    baseDir = await mkdtemp(join(tmpdir(), "fraud-runs-"));
  });
  afterAll(() => rm(baseDir, { recursive: true, force: true }));
  const options = () => ({ config, profile: "disk", env: {}, baseDir });

  it("names every persistent resource of the run, and warns about shared names and unchecked schemes", async () => {
    const plan = await planRun(options(), "fraud-demo-a", SOURCE);
    const text = plan.lines.join("\n");
    expect(text).toMatch(/run fraud-demo-a on "disk" writes to:/);
    expect(text).toMatch(/fraud_scores +file:\.\/fraud-demo-a\.scores\.ndjson/);
    expect(text).not.toMatch(/memory:/);
    expect(text).toMatch(/npm run demo -- --clean --profile disk/);
    expect(plan.warnings).toEqual([
      "audit not checked for earlier data: no check for nats: here",
      "totals is shared by every run: its name does not carry ${FRAUD_RUN}",
    ]);
  });

  it("warns when the run's name already holds data", async () => {
    await writeFile(join(baseDir, "fraud-demo-b.scores.ndjson"), '{"score":1}\n');
    const plan = await planRun(options(), "fraud-demo-b", SOURCE);
    expect(plan.warnings).toContain(
      `fraud_scores already holds 12 bytes in ${join(baseDir, "fraud-demo-b.scores.ndjson")}`,
    );
  });

  it("removes the files of demo runs only, and says what it could not remove", async () => {
    await writeFile(join(baseDir, "fraud-demo-c.scores.ndjson"), "{}\n");
    await writeFile(join(baseDir, "fraud.scores.ndjson"), "{}\n");
    await writeFile(join(baseDir, "totals.ndjson"), "{}\n");
    const report = await cleanRuns(options());
    expect(report).toContain(`removed file ${join(baseDir, "fraud-demo-b.scores.ndjson")}`);
    expect(report).toContain(`removed file ${join(baseDir, "fraud-demo-c.scores.ndjson")}`);
    expect(report.filter((line) => line.startsWith("left "))).toEqual([
      "left nats://audit-fraud-demo-*: no clean-up for nats: here — remove it with the service's tools",
    ]);
    expect((await readdir(baseDir)).sort()).toEqual(["fraud.scores.ndjson", "totals.ndjson"]);
  });
});
