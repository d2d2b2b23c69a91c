/**
 * Ten SIGKILLs of `switchyard run` on Kafka at random moments, then a run that
 * finishes: no id may be lost, and per-key order holds for every record written
 * for the first time. The instance uses static group membership, so each
 * restart takes back its partitions at once.
 */
import { it } from "vitest";
import { describeService } from "../../harness/suite.js";
import { killLoop } from "./kill-loop.js";
import { expectKillLoopHeld, reportKillLoop } from "./report.js";

describeService("kafka", "switchyard run on Kafka, killed ten times", (env) => {
  it(
    "loses no record and keeps per-key order, with few duplicates per kill",
    { timeout: 360_000 },
    async () => {
      const result = await killLoop({
        profile: "kafka",
        env: { SWITCHYARD_KAFKA_BROKERS: env.SWITCHYARD_KAFKA_BROKERS! },
        records: 30_000,
        cycles: 10,
        maxWorkMs: 3000,
        startTimeoutMs: 30_000,
        finishTimeoutMs: 90_000,
      });
      reportKillLoop("kafka", result);
      expectKillLoopHeld(result, { order: true });
    },
  );
});
