/**
 * The fraud-detection demo, unchanged, on the example's `aws` profile —
 * Kinesis streams with shard leases, DynamoDB card state, Timestream scores —
 * against kinesalite, dynalite and moto, reached the way AWS users reach
 * emulators: the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables. Twice in a row
 * at each of two rates, every run must raise alerts on exactly the
 * transactions `local` alerts on and dead-letter the same records: each run
 * writes under its own name, so the second finds nothing the first left.
 */
import { randomUUID } from "node:crypto";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanDemoRuns, planDemoRun } from "../../examples/fraud-detection/src/run-demo.js";
import { DEMO_RUN_PREFIX } from "../../examples/fraud-detection/src/run-name.js";
import { useEmulatorCredentials } from "../services/aws/node-emulator.js";
import { endpointVariables } from "./aws-resources.js";
import type { DemoRunResult } from "./demo-run.js";
import { runDemoOnce } from "./demo-run.js";
import { describeServices, serviceVar } from "./persistent-profiles.js";
import { withEnv } from "./scale-out-aws/run.js";
import { expectSameAsLocal } from "./same-as-local.js";

/** Two rates the emulators keep up with on a busy machine; the higher one makes batches larger. */
const RATES = [1_000, 4_000] as const;
const RUNS = 2;
const RUN_TIMEOUT_MS = 150_000;
const label = `e2e-${randomUUID().slice(0, 8)}`;

describeServices(["kinesalite", "dynalite", "moto"], "the demo on the aws profile", (services) => {
  const env = withEnv(
    endpointVariables({
      kinesis: serviceVar(services, "kinesalite", "SWITCHYARD_KINESALITE_ENDPOINT"),
      dynamodb: serviceVar(services, "dynalite", "SWITCHYARD_DYNALITE_ENDPOINT"),
      timestream: serviceVar(services, "moto", "SWITCHYARD_MOTO_ENDPOINT"),
    }),
  );
  const locals = new Map<number, DemoRunResult>();

  beforeAll(() => {
    useEmulatorCredentials();
    // The drivers read these as the AWS SDK does; the example's config stays as it is.
    env.apply();
  });
  afterAll(async () => {
    await cleanDemoRuns("aws", process.env, `${DEMO_RUN_PREFIX}${label}-*`).catch(() => undefined);
    env.undo();
  });

  describe.sequential(`${RUNS} runs in a row`, () => {
    it.each(RATES)(
      "give local's alerts and dead letters every time at %i events/s",
      async (rate) => {
        resetMemoryStreams();
        resetMemoryStateStores();
        resetMemoryTimeSeries();
        const local = await runDemoOnce("local", { env: process.env, rate, label: `${label}-local-${rate}` });
        locals.set(rate, local);
        // A comparison of empty sets would prove nothing: the feed must raise alerts and hold corrupt records.
        expect(local.alertIds.length).toBeGreaterThan(0);
        expect(local.deadLetterRecords).toBe(local.truth.corrupt);
        for (let i = 1; i <= RUNS; i++) {
          const run = await runDemoOnce("aws", { env: process.env, rate, label: `${label}-${rate}-${i}` });
          expect(run.plan.warnings, `aws run ${i}: warnings before it started`).toEqual([]);
          expectSameAsLocal(run, local, `aws at ${rate}/s, run ${i}`);
        }
      },
      (RUNS + 1) * RUN_TIMEOUT_MS,
    );

    it("warns before reusing a run name whose source holds records and whose group has a position", async () => {
      const plan = await planDemoRun("aws", `${DEMO_RUN_PREFIX}${label}-${RATES[0]}-1`, process.env);
      const warnings = plan.warnings.join("\n");
      expect(warnings).toMatch(/transactions already holds records/);
      expect(warnings).toMatch(/group "fraud-scorer" has a committed position on transactions/);
      expect(warnings).toMatch(/features already holds keys/);
    });

    it(
      "removes every run it made with one clean-up call, and only those",
      async () => {
        const removed = await cleanDemoRuns("aws", process.env, `${DEMO_RUN_PREFIX}${label}-*`);
        expect(removed.filter((line) => line.includes("kinesis stream")).length).toBe(
          RATES.length * RUNS * 3,
        );
        expect(removed.filter((line) => !line.startsWith("removed "))).toEqual([]);
        expect(await cleanDemoRuns("aws", process.env, `${DEMO_RUN_PREFIX}${label}-*`)).toEqual([]);
      },
      RUN_TIMEOUT_MS,
    );
  });
});
