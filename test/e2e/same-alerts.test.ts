/**
 * One pipeline, three engines: the fraud-detection example, unchanged, on its
 * `local` (memory://), `kafka` and `redis` profiles with the same seeded feed
 * raises alerts on exactly the same transactions and dead-letters the same
 * records. The `kafka` and `redis` profiles keep card state on redis://.
 */
import { describe, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { expectSameAsLocal, localRun, runOptions as options } from "./compare-runs.js";
import { runFraudExample } from "./fraud-run.js";

describeService("redis", "fraud example with card state on redis://", (redisEnv) => {
  describeService("kafka", "one pipeline, three engines", (kafkaEnv) => {
    // The example's config reads these variables (with 127.0.0.1 defaults) for its kafka and redis profiles.
    const env = {
      ...process.env,
      KAFKA_BROKERS: kafkaEnv.SWITCHYARD_KAFKA_BROKERS,
      REDIS_HOST: new URL(redisEnv.SWITCHYARD_REDIS_URL!).host,
    };

    describe.sequential("the same seeded feed", () => {
      it(
        "raises alerts and dead-letters corrupt records on local (memory://)",
        { timeout: 60_000 },
        async () => {
          const local = await localRun();
          expect(local.processed).toBe(local.produced);
          // A comparison of empty sets would prove nothing: the feed must raise alerts and hold corrupt records.
          expect(local.alertIds.length).toBeGreaterThan(0);
          expect(local.truth.corrupt).toBeGreaterThan(0);
          expect(local.deadLetters).toBe(local.truth.corrupt);
          expect(local.deadLetterRecords).toBe(local.truth.corrupt);
          expect(local.truth.score(local.alertIds).recall).toBeGreaterThan(0);
          console.log(
            `local: ${local.alertIds.length} alerts, ${local.deadLetterRecords} dead letters, ${local.processed} events`,
          );
        },
      );

      it(
        "gives the same alerts and dead letters on kafka (state on redis://)",
        { timeout: 60_000 },
        async () => {
          const local = await localRun();
          expectSameAsLocal(await runFraudExample("kafka", options(env, "kafka")), local);
        },
      );

      it(
        "gives the same alerts and dead letters on redis streams (state on redis://)",
        { timeout: 60_000 },
        async () => {
          const local = await localRun();
          expectSameAsLocal(await runFraudExample("redis", options(env, "redis")), local);
        },
      );
    });
  });
});
