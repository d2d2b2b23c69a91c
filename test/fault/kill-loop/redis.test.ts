/**
 * Ten SIGKILLs of `switchyard run` on Redis Streams at random moments, then a run that
 * finishes: no id may be lost, and per-key order holds for every record written
 * for the first time. The instance keeps its consumer name across restarts,
 * so each restart re-reads its own pending records first, in order.
 */
import { it } from "vitest";
import { describeService } from "../../harness/suite.js";
import { killLoop } from "./kill-loop.js";
import { expectKillLoopHeld, reportKillLoop } from "./report.js";

describeService("redis", "switchyard run on Redis Streams, killed ten times", (env) => {
  it(
    "loses no record and keeps per-key order, with few duplicates per kill",
    { timeout: 420_000 },
    async () => {
      const result = await killLoop({
        profile: "redis",
        env: { KILL_REDIS: new URL(env.SWITCHYARD_REDIS_URL!).host },
        records: 30_000,
        cycles: 10,
        maxWorkMs: 3000,
        startTimeoutMs: 60_000,
        finishTimeoutMs: 90_000,
      });
      reportKillLoop("redis", result);
      expectKillLoopHeld(result, { order: true });
    },
  );
});
