/**
 * The fraud-detection demo, unchanged, on the example's `azure` profile —
 * Event Hubs (the project's double of the service, checkpoints on Azurite)
 * and Cosmos DB (cosmosdb-server) — run twice in a row at each of two rates,
 * raises alerts on exactly the same transactions and dead-letters the same
 * records as on `local` every time, for the same seeded feed. Every run writes
 * under its own name: hubs `<run>.transactions` … (made first, as Azure
 * Resource Manager makes them; no client can) and a Cosmos DB database `<run>`
 * (created by the profile's URLs). One clean-up call then removes what the
 * runs left that a client can remove.
 */
import { randomUUID } from "node:crypto";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import { describe, expect, it } from "vitest";
import { cleanDemoRuns, planDemoRun } from "../../examples/fraud-detection/src/run-demo.js";
import { DEMO_RUN_PREFIX } from "../../examples/fraud-detection/src/run-name.js";
import { describeService } from "../harness/suite.js";
import { createHub } from "../services/eventhubs.js";
import type { DemoRunResult } from "./demo-run.js";
import { runDemoOnce } from "./demo-run.js";
import { expectSameAsLocal } from "./same-as-local.js";

/** Fewer events than the Kafka comparison: cosmosdb-server serves one request at a time. */
const EVENTS = 800;
const RATES = [2_000, 10_000] as const;
const RUNS = 2;
const RUN_TIMEOUT_MS = 180_000;
const label = `e2e-azure-${randomUUID().slice(0, 8)}`;

/** The hubs a run named `run` writes to, as the profile names them. */
async function createRunHubs(control: string, run: string): Promise<void> {
  for (const [hub, partitions] of [
    ["transactions", 4],
    ["alerts", 2],
    ["dead-letters", 1],
  ] as const) {
    await createHub(control, `${run}.${hub}`, partitions);
  }
}

const locals = new Map<number, DemoRunResult>();

/** The demo on `local` at `rate`, once per rate, on emptied memory:// resources. */
async function localRun(rate: number): Promise<DemoRunResult> {
  let local = locals.get(rate);
  if (local === undefined) {
    resetMemoryStreams();
    resetMemoryStateStores();
    resetMemoryTimeSeries();
    local = await runDemoOnce("local", {
      env: process.env,
      rate,
      label: `${label}-local-${rate}`,
      events: EVENTS,
    });
    expect(local.alertIds.length).toBeGreaterThan(0);
    expect(local.deadLetters).toBe(local.truth.corrupt);
    locals.set(rate, local);
  }
  return local;
}

// Each service is named on its own, so the harness starts these three and no other engine's.
describeService("eventhubs", "the demo on azure", (eventHubs) =>
  describeService("azurite", "checkpoints on Azurite", (azurite) =>
    describeService("cosmos", "state and scores on cosmosdb-server", (cosmos) => {
      const control = eventHubs.SWITCHYARD_EVENTHUBS_CONTROL_URL!;
      // The variables a deployment would set: the profile's names, and the adapter's secrets.
      const env = {
        EVENTHUBS_NAMESPACE: "switchyard-e2e",
        COSMOS_ACCOUNT: "switchyard-e2e",
        AZURE_EVENTHUBS_CONNECTION_STRING: eventHubs.SWITCHYARD_EVENTHUBS_CONNECTION_STRING!,
        AZURE_STORAGE_CONNECTION_STRING: azurite.SWITCHYARD_AZURITE_CONNECTION_STRING!,
        AZURE_COSMOS_CONNECTION_STRING: cosmos.SWITCHYARD_COSMOS_CONNECTION_STRING!,
      };

      describe.sequential(`${RUNS} runs in a row`, () => {
        it.each(RATES)(
          "give local's alerts and dead letters every time at %i events/s",
          async (rate) => {
            const local = await localRun(rate);
            // The adapter reads its secrets from the process environment, as a deployment sets them.
            Object.assign(process.env, env);
            for (let i = 1; i <= RUNS; i++) {
              const runLabel = `${label}-${rate}-${i}`;
              await createRunHubs(control, `${DEMO_RUN_PREFIX}${runLabel}`);
              const run = await runDemoOnce("azure", {
                env: { ...process.env, ...env },
                rate,
                label: runLabel,
                events: EVENTS,
              });
              expect(run.plan.warnings, `azure run ${i}: warnings before it started`).toEqual([]);
              expectSameAsLocal(run, local, `azure at ${rate}/s, run ${i}`);
            }
          },
          RUNS * RUN_TIMEOUT_MS,
        );

        it("warns before reusing a run name whose source holds events and whose group has a checkpoint", async () => {
          const plan = await planDemoRun("azure", `${DEMO_RUN_PREFIX}${label}-${RATES[0]}-1`, {
            ...process.env,
            ...env,
          });
          const warnings = plan.warnings.join("\n");
          expect(warnings).toMatch(/transactions already holds [\d,]+ events/);
          expect(warnings).toMatch(/group "fraud-scorer" has a committed position on transactions/);
          expect(warnings).toMatch(/features already holds items/);
        });

        it(
          "removes every run's checkpoints and databases with one clean-up call; the hubs stay",
          async () => {
            const all = { ...process.env, ...env };
            const pattern = `${DEMO_RUN_PREFIX}${label}-*`;
            const removed = await cleanDemoRuns("azure", all, pattern);
            const runs = RATES.length * RUNS;
            expect(removed.filter((line) => line.startsWith("removed cosmos database "))).toHaveLength(runs);
            expect(removed.filter((line) => line.startsWith("removed event hub "))).toHaveLength(3 * runs);
            expect(await cleanDemoRuns("azure", all, pattern)).toEqual([]);
            // Only Azure Resource Manager deletes hubs, so a reused name still finds its events; nothing else.
            const again = await planDemoRun("azure", `${DEMO_RUN_PREFIX}${label}-${RATES[0]}-1`, all);
            expect(again.warnings.join("\n")).toMatch(/transactions already holds/);
            expect(again.warnings.filter((w) => !/already holds [\d,]+ events/.test(w))).toEqual([]);
          },
          RUN_TIMEOUT_MS,
        );
      });
    }),
  ),
);
