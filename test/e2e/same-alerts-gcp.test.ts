/**
 * The fraud-detection demo, unchanged, on the example's `gcp` profile —
 * Pub/Sub streams with ordering keys, Bigtable card state and scores — against
 * gcloud's emulators, reached the way Google's clients reach them:
 * `PUBSUB_EMULATOR_HOST` and `BIGTABLE_EMULATOR_HOST`. All runs share one
 * project and one Bigtable instance; each run keeps apart by its run name in
 * its topics, subscription and row-key prefix. The demo runs twice in a row at
 * two rates, and every run must raise alerts on exactly the transactions
 * `local` alerts on and dead-letter the same records; then the runs' leftovers
 * are found before a run name is reused, and removed with one clean-up call.
 */
import { randomUUID } from "node:crypto";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanDemoRuns, planDemoRun } from "../../examples/fraud-detection/src/run-demo.js";
import { DEMO_RUN_PREFIX } from "../../examples/fraud-detection/src/run-name.js";
import type { DemoRunResult } from "./demo-run.js";
import { runDemoOnce } from "./demo-run.js";
import { describeService } from "../harness/suite.js";
import { expectSameAsLocal } from "./same-as-local.js";

/** Two rates: one the emulators keep up with easily, one that makes batches large. */
const RATES = [2_000, 10_000] as const;
const RUNS = 2;
const RUN_TIMEOUT_MS = 120_000;
const label = `e2e-gcp-${randomUUID().slice(0, 8)}`;

describeService("pubsub", "the demo on the gcp profile (pubsub)", (pubsubEnv) => {
  describeService("bigtable", "the demo on the gcp profile", (bigtableEnv) => {
    defineRuns({ ...pubsubEnv, ...bigtableEnv });
  });
});

/** The comparisons, with `variables` (the emulators' hosts) in the process environment while they run. */
function defineRuns(variables: Readonly<Record<string, string>>): void {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const locals = new Map<number, DemoRunResult>();
  const env = () => ({ ...process.env, GCP_PROJECT: "switchyard-demo", BIGTABLE_INSTANCE: "fraud" });

  beforeAll(() => {
    // Google's clients read these themselves; the example's config stays as it is.
    Object.assign(process.env, variables);
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  async function localRun(rate: number): Promise<DemoRunResult> {
    let local = locals.get(rate);
    if (local === undefined) {
      resetMemoryStreams();
      resetMemoryStateStores();
      resetMemoryTimeSeries();
      local = await runDemoOnce("local", { env: process.env, rate, label: `${label}-local-${rate}` });
      // A comparison of empty sets would prove nothing: the feed must raise alerts and hold corrupt records.
      expect(local.alertIds.length).toBeGreaterThan(0);
      expect(local.deadLetterRecords).toBe(local.truth.corrupt);
      locals.set(rate, local);
    }
    return local;
  }

  describe.sequential(`${RUNS} runs in a row`, () => {
    it.each(RATES)(
      "give local's alerts and dead letters every time at %i events/s",
      async (rate) => {
        const local = await localRun(rate);
        for (let i = 1; i <= RUNS; i++) {
          const run = await runDemoOnce("gcp", { env: env(), rate, label: `${label}-${rate}-${i}` });
          // A fresh run name finds nothing on the emulators, so nothing to warn about.
          expect(run.plan.warnings, `gcp run ${i}: warnings before it started`).toEqual([]);
          expectSameAsLocal(run, local, `gcp at ${rate}/s, run ${i}`);
        }
      },
      RUNS * RUN_TIMEOUT_MS,
    );

    it("warns before reusing a run name whose topic, subscription and rows exist", async () => {
      const plan = await planDemoRun("gcp", `${DEMO_RUN_PREFIX}${label}-${RATES[0]}-1`, env());
      const warnings = plan.warnings.join("\n");
      expect(warnings).toMatch(/transactions already exists/);
      expect(warnings).toMatch(/group "fraud-scorer" has a subscription on transactions/);
      expect(warnings).toMatch(/features already holds keys/);
    });

    it(
      "removes every run it made with one clean-up call, and only those",
      async () => {
        const removed = await cleanDemoRuns("gcp", env(), `${DEMO_RUN_PREFIX}${label}-*`);
        expect(removed.length).toBeGreaterThan(0);
        expect(removed.filter((line) => !line.startsWith("removed "))).toEqual([]);
        expect(await cleanDemoRuns("gcp", env(), `${DEMO_RUN_PREFIX}${label}-*`)).toEqual([]);
        const fresh = await planDemoRun("gcp", `${DEMO_RUN_PREFIX}${label}-${RATES[0]}-1`, env());
        expect(fresh.warnings).toEqual([]);
      },
      RUN_TIMEOUT_MS,
    );
  });
}
