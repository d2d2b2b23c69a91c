/**
 * Ten SIGKILLs of `switchyard run` on Kafka at random moments, then a run that
 * finishes: no id may be lost, and per-key order holds for every record written
 * for the first time. The instance uses static group membership, so each
 * restart takes back its partitions at once.
 */
import { expect, it } from "vitest";
import { describeService } from "../../harness/suite.js";
import { killLoop } from "./kill-loop.js";
import { reportKillLoop } from "./report.js";

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
      expect(result.finalExit).toBe(0);
      expect(result.records - result.unique).toBe(0);
      expect(result.outOfOrder).toBe(0);
      // A kill redoes what was done since the last commit: about one commit interval (250 ms) of work plus
      // the in-flight batches (0–2,000 records here, by machine load) — never a large share of the run.
      expect(Math.max(...result.duplicatesPerKill)).toBeLessThan(result.records / 4);
    },
  );
});
