/**
 * One pipeline, every engine, any number of runs: the fraud-detection demo,
 * unchanged, runs twice in a row on each persistent profile of the example
 * (Kafka with state on Redis, Redis Streams, and each profile added to
 * PERSISTENT_PROFILES) at two rates, and every run raises alerts on exactly
 * the transactions the `local` (memory://) run alerts on and dead-letters the
 * same records. The second run of a seed on the same servers is the one that
 * catches a run reading what an earlier one left behind.
 */
import { randomUUID } from "node:crypto";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import { describe, expect, it } from "vitest";
import { cleanDemoRuns, planDemoRun } from "../../examples/fraud-detection/src/run-demo.js";
import { DEMO_RUN_PREFIX } from "../../examples/fraud-detection/src/run-name.js";
import type { DemoRunResult } from "./demo-run.js";
import { runDemoOnce } from "./demo-run.js";
import { PERSISTENT_PROFILES, describeServices } from "./persistent-profiles.js";

/** The rates the demo produces at: one the engines keep up with easily, one that makes batches large. */
const RATES = [2_000, 10_000] as const;
/** Runs in a row per profile and rate. */
const RUNS = 2;
const RUN_TIMEOUT_MS = 90_000;

/** Labels this test's runs carry, so it removes its own runs and no one else's. */
const label = `e2e-${randomUUID().slice(0, 8)}`;
const locals = new Map<number, DemoRunResult>();

/** The demo on `local` at `rate` (run once per rate, on emptied memory:// resources). */
async function localRun(rate: number): Promise<DemoRunResult> {
  let local = locals.get(rate);
  if (local === undefined) {
    resetMemoryStreams();
    resetMemoryStateStores();
    resetMemoryTimeSeries();
    local = await runDemoOnce("local", { env: process.env, rate, label: `${label}-local-${rate}` });
    locals.set(rate, local);
  }
  return local;
}

function expectSameAsLocal(run: DemoRunResult, local: DemoRunResult, what: string): void {
  const missing = local.alertIds.filter((id) => !run.alertIds.includes(id));
  const extra = run.alertIds.filter((id) => !local.alertIds.includes(id));
  expect(
    { missing, extra },
    `${what}: ${run.alertIds.length} alerted transactions vs ${local.alertIds.length} on local`,
  ).toEqual({ missing: [], extra: [] });
  expect(run.deadLetters, `${what}: dead letters counted`).toBe(local.deadLetters);
  expect(run.deadLetterRecords, `${what}: records on the dead-letter stream`).toBe(local.deadLetterRecords);
  expect(run.processed, `${what}: events done`).toBe(local.processed);
  const { eventsPerSec, p50Ms, p99Ms } = run.figures;
  console.log(
    `${what}: ${run.alertIds.length} alerts (${run.alertRecords} records), ${run.deadLetterRecords} dead letters, ` +
      `${run.processed} events at ${Math.round(eventsPerSec)}/s, p50 ${p50Ms.toFixed(0)} ms, p99 ${p99Ms.toFixed(0)} ms — same as local`,
  );
}

describe("the demo on local (memory://)", () => {
  it.each(RATES)(
    "raises alerts and dead-letters every corrupt record at %i events/s",
    async (rate) => {
      const local = await localRun(rate);
      // A comparison of empty sets would prove nothing: the feed must raise alerts and hold corrupt records.
      expect(local.processed).toBe(local.truth.transactions + local.truth.corrupt);
      expect(local.alertIds.length).toBeGreaterThan(0);
      expect(local.truth.corrupt).toBeGreaterThan(0);
      expect(local.deadLetters).toBe(local.truth.corrupt);
      expect(local.deadLetterRecords).toBe(local.truth.corrupt);
      expect(local.truth.score(local.alertIds).recall).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );
});

for (const { profile, services, env: envOf } of PERSISTENT_PROFILES) {
  describeServices(services, `the demo on ${profile}`, (found) => {
    const env = { ...process.env, ...envOf(found) };

    describe.sequential(`${RUNS} runs in a row`, () => {
      it.each(RATES)(
        `give local's alerts and dead letters every time at %i events/s`,
        async (rate) => {
          const local = await localRun(rate);
          for (let i = 1; i <= RUNS; i++) {
            const run = await runDemoOnce(profile, { env, rate, label: `${label}-${rate}-${i}` });
            // A fresh run name finds nothing on the servers, so nothing to warn about.
            expect(run.plan.warnings, `${profile} run ${i}: warnings before it started`).toEqual([]);
            expectSameAsLocal(run, local, `${profile} at ${rate}/s, run ${i}`);
          }
        },
        RUNS * RUN_TIMEOUT_MS,
      );

      it("warns before reusing a run name whose source holds records and whose group has a position", async () => {
        const plan = await planDemoRun(profile, `${DEMO_RUN_PREFIX}${label}-${RATES[0]}-1`, env);
        const warnings = plan.warnings.join("\n");
        expect(warnings).toMatch(/transactions already holds 4,000 records/);
        expect(warnings).toMatch(/group "fraud-scorer" has a committed position on transactions/);
        expect(warnings).toMatch(/features already holds keys/);
      });

      it(
        "removes every run it made with one clean-up call, and only those",
        async () => {
          const removed = await cleanDemoRuns(profile, env, `${DEMO_RUN_PREFIX}${label}-*`);
          expect(removed.length).toBeGreaterThan(0);
          expect(removed.filter((line) => !line.startsWith("removed "))).toEqual([]);
          expect(await cleanDemoRuns(profile, env, `${DEMO_RUN_PREFIX}${label}-*`)).toEqual([]);
        },
        RUN_TIMEOUT_MS,
      );
    });
  });
}
