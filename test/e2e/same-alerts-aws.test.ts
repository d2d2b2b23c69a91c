/**
 * The fraud-detection example, unchanged, on its `aws` profile — Kinesis
 * streams with shard leases, DynamoDB card state, Timestream scores — against
 * kinesalite, dynalite and moto, reached the way AWS users reach emulators:
 * the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables. The same seeded feed must
 * raise alerts on exactly the transactions `local` alerts on, and dead-letter
 * the same records.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { useEmulatorCredentials } from "../services/aws/node-emulator.js";
import type { AwsEndpoints } from "./aws-resources.js";
import { endpointVariables, provisionAws, removeAws } from "./aws-resources.js";
import type { FraudRunOptions } from "./fraud-run.js";
import { runFraudExample } from "./fraud-run.js";

/** The other same-alerts test's seed and cards, on half its events: the emulators are slower than a broker. */
const EVENTS = 2000;
const GENERATOR = { seed: 11, cards: 400, corruptRate: 0.01 };
const RUN_TIMEOUT_MS = 90_000;

describeService("kinesalite", "fraud example on the aws profile", (kinesisEnv) => {
  describeService("dynalite", "with card state on dynamodb://", (dynamoEnv) => {
    describeService("moto", "and scores on timestream://", (motoEnv) => {
      const endpoints: AwsEndpoints = {
        kinesis: kinesisEnv.SWITCHYARD_KINESALITE_ENDPOINT!,
        dynamodb: dynamoEnv.SWITCHYARD_DYNALITE_ENDPOINT!,
        timestream: motoEnv.SWITCHYARD_MOTO_ENDPOINT!,
      };
      const variables = endpointVariables(endpoints);
      const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
      const runId = randomUUID().slice(0, 8);
      const options = (profile: string): FraudRunOptions => ({
        env: process.env,
        events: EVENTS,
        generator: GENERATOR,
        group: `e2e-${profile}-${runId}`,
        timeoutMs: RUN_TIMEOUT_MS,
      });

      beforeAll(async () => {
        useEmulatorCredentials();
        // The drivers read these as the AWS SDK would; the example's config stays as it is.
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

      it(
        "gives the same alerts and dead letters as local for the same seed",
        { timeout: 200_000 },
        async () => {
          const local = await runFraudExample("local", options("local"));
          // A comparison of empty sets would prove nothing: the feed must raise alerts and hold corrupt records.
          expect(local.alertIds.length).toBeGreaterThan(0);
          expect(local.deadLetterRecords).toBe(local.truth.corrupt);

          const aws = await runFraudExample("aws", options("aws"));
          expect(aws.processed).toBe(aws.produced);
          const missing = local.alertIds.filter((id) => !aws.alertIds.includes(id));
          const extra = aws.alertIds.filter((id) => !local.alertIds.includes(id));
          expect(
            { missing, extra },
            `aws: ${aws.alertIds.length} alerts vs ${local.alertIds.length}`,
          ).toEqual({
            missing: [],
            extra: [],
          });
          expect(aws.deadLetters).toBe(local.deadLetters);
          expect(aws.deadLetterRecords).toBe(local.deadLetterRecords);
          console.log(
            `aws: ${aws.alertIds.length} alerts (${aws.alertRecords} records), ${aws.deadLetterRecords} dead letters, ` +
              `${aws.processed} events — same as local`,
          );
        },
      );
    });
  });
});
