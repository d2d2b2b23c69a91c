/**
 * The fraud-detection demo, unchanged, on the example's `gcp` profile —
 * Pub/Sub streams with ordering keys, Bigtable card state and scores — against
 * gcloud's emulators, reached the way Google's clients reach them:
 * `PUBSUB_EMULATOR_HOST` and `BIGTABLE_EMULATOR_HOST`. The same seeded feed
 * must raise alerts on exactly the transactions `local` alerts on, and
 * dead-letter the same records. Each run names its own project, so topics,
 * subscriptions and tables start empty.
 */
import { randomUUID } from "node:crypto";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDemoOnce } from "./demo-run.js";
import { describeService } from "../harness/suite.js";
import { expectSameAsLocal } from "./same-as-local.js";

/** A rate the emulators keep up with on a busy machine. */
const RATE = 2_000;
const label = `e2e-gcp-${randomUUID().slice(0, 8)}`;

describeService("pubsub", "the demo on the gcp profile (pubsub)", (pubsubEnv) => {
  describeService("bigtable", "the demo on the gcp profile", (bigtableEnv) => {
    defineRun({ ...pubsubEnv, ...bigtableEnv });
  });
});

/** The comparison, with `variables` (the emulators' hosts) in the process environment while it runs. */
function defineRun(variables: Readonly<Record<string, string>>): void {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));

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

  it("gives the same alerts and dead letters as local for the same seed", { timeout: 120_000 }, async () => {
    resetMemoryStreams();
    resetMemoryStateStores();
    resetMemoryTimeSeries();
    const local = await runDemoOnce("local", { env: process.env, rate: RATE, label: `${label}-local` });
    // A comparison of empty sets would prove nothing: the feed must raise alerts and hold corrupt records.
    expect(local.alertIds.length).toBeGreaterThan(0);
    expect(local.deadLetterRecords).toBe(local.truth.corrupt);

    const env = { ...process.env, GCP_PROJECT: label, BIGTABLE_INSTANCE: "fraud" };
    const gcp = await runDemoOnce("gcp", { env, rate: RATE, label });
    expectSameAsLocal(gcp, local, "gcp");
  });
}
