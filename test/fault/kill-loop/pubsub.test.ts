/**
 * Ten SIGKILLs of `switchyard run` on Pub/Sub (gcloud's emulator) at random
 * moments, then a run that finishes: no id may be lost. Each restart is a new
 * subscriber of the group's ordered subscription; what the killed one held
 * comes back to it once the 10 s ack deadline passes. Per-key order across the
 * kills is reported, not asserted: the emulator hands a new subscriber later
 * messages of a key while earlier ones are still leased to the killed one
 * (2,719 first writes out of order in the first run here; docs/adapters/gcp.md).
 */
import { it } from "vitest";
import { describeService } from "../../harness/suite.js";
import { killLoop } from "./kill-loop.js";
import { expectKillLoopHeld, reportKillLoop } from "./report.js";

describeService("pubsub", "switchyard run on Pub/Sub, killed ten times", (env) => {
  it(
    "loses no record and keeps per-key order, with few duplicates per kill",
    { timeout: 600_000 },
    async () => {
      // The test's own clients (publishing, reading the output) find the emulator here; the instances get it in `env`.
      Object.assign(process.env, env);
      const result = await killLoop({
        profile: "pubsub",
        env: { ...env },
        records: 30_000,
        cycles: 10,
        maxWorkMs: 3000,
        // A restart's first write may wait for the killed one's messages of a key: up to the 10 s ack deadline.
        startTimeoutMs: 60_000,
        finishTimeoutMs: 120_000,
      });
      reportKillLoop("pubsub", result);
      expectKillLoopHeld(result, { order: false });
    },
  );
});
