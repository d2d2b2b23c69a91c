/**
 * Ten SIGKILLs of `switchyard run` on Kinesis (kinesalite, leases on dynalite)
 * at random moments, then a run that finishes: no id may be lost, and per-key
 * order holds for every record written for the first time. Each restart is a
 * new lease owner and takes the killed instance's shards once their leases
 * have stood still for `failoverMs` (3 s), from their checkpoints.
 */
import { it } from "vitest";
import { describeService } from "../../harness/suite.js";
import { useEmulatorCredentials } from "../../services/aws/node-emulator.js";
import { killLoop } from "./kill-loop.js";
import { expectKillLoopHeld, reportKillLoop } from "./report.js";

describeService("kinesalite", "switchyard run on Kinesis, killed ten times", (kinesis) =>
  describeService("dynalite", "leases on dynalite", (dynamodb) => {
    it(
      "loses no record and keeps per-key order, with few duplicates per kill",
      { timeout: 600_000 },
      async () => {
        // The test's own clients (publishing, reading the output) need credentials; the instances get them in `env`.
        useEmulatorCredentials();
        const result = await killLoop({
          profile: "kinesis",
          env: {
            KILL_KINESIS: kinesis.SWITCHYARD_KINESALITE_ENDPOINT!,
            KILL_DYNAMODB: dynamodb.SWITCHYARD_DYNALITE_ENDPOINT!,
            AWS_ACCESS_KEY_ID: "switchyard-test",
            AWS_SECRET_ACCESS_KEY: "switchyard-test",
          },
          records: 30_000,
          cycles: 10,
          maxWorkMs: 3000,
          // A restart first waits out the killed instance's leases (failoverMs 3 s, seen standing still).
          startTimeoutMs: 60_000,
          finishTimeoutMs: 120_000,
        });
        reportKillLoop("kinesis", result);
        expectKillLoopHeld(result, { order: true });
      },
    );
  }),
);
