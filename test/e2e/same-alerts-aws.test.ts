/**
 * The fraud-detection demo, unchanged, on the example's `aws` profile —
 * Kinesis streams with shard leases, DynamoDB card state, Timestream scores —
 * against kinesalite, dynalite and moto, reached the way AWS users reach
 * emulators: the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables. The same
 * seeded feed must raise alerts on exactly the transactions `local` alerts
 * on, and dead-letter the same records.
 */
import { randomUUID } from "node:crypto";
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { useEmulatorCredentials } from "../services/aws/node-emulator.js";
import type { AwsEndpoints } from "./aws-resources.js";
import { endpointVariables, provisionAws, removeAws } from "./aws-resources.js";
import { runDemoOnce } from "./demo-run.js";
import { describeServices, serviceVar } from "./persistent-profiles.js";

/** A rate the emulators keep up with on a busy machine. */
const RATE = 2_000;
const label = `e2e-${randomUUID().slice(0, 8)}`;

describeServices(["kinesalite", "dynalite", "moto"], "the demo on the aws profile", (services) => {
  const endpoints: AwsEndpoints = {
    kinesis: serviceVar(services, "kinesalite", "SWITCHYARD_KINESALITE_ENDPOINT"),
    dynamodb: serviceVar(services, "dynalite", "SWITCHYARD_DYNALITE_ENDPOINT"),
    timestream: serviceVar(services, "moto", "SWITCHYARD_MOTO_ENDPOINT"),
  };
  const variables = endpointVariables(endpoints);
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    useEmulatorCredentials();
    // The drivers read these as the AWS SDK does; the example's config stays as it is.
    Object.assign(process.env, variables);
    await provisionAws(endpoints);
  });
  afterAll(async () => {
    await removeAws(endpoints).catch(() => undefined);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("gives the same alerts and dead letters as local for the same seed", { timeout: 240_000 }, async () => {
    resetMemoryStreams();
    resetMemoryStateStores();
    resetMemoryTimeSeries();
    const local = await runDemoOnce("local", { env: process.env, rate: RATE, label: `${label}-local` });
    // A comparison of empty sets would prove nothing: the feed must raise alerts and hold corrupt records.
    expect(local.alertIds.length).toBeGreaterThan(0);
    expect(local.deadLetterRecords).toBe(local.truth.corrupt);

    const aws = await runDemoOnce("aws", { env: process.env, rate: RATE, label: `${label}-aws` });
    const missing = local.alertIds.filter((id) => !aws.alertIds.includes(id));
    const extra = aws.alertIds.filter((id) => !local.alertIds.includes(id));
    expect({ missing, extra }, `aws: ${aws.alertIds.length} alerts vs ${local.alertIds.length}`).toEqual({
      missing: [],
      extra: [],
    });
    expect(aws.deadLetters).toBe(local.deadLetters);
    expect(aws.deadLetterRecords).toBe(local.deadLetterRecords);
    expect(aws.processed).toBe(local.processed);
    console.log(
      `aws: ${aws.alertIds.length} alerts (${aws.alertRecords} records), ${aws.deadLetterRecords} dead letters, ` +
        `${aws.processed} events at ${Math.round(aws.figures.eventsPerSec)}/s — same as local`,
    );
  });
});
