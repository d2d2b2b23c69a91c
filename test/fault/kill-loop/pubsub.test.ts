/**
 * Ten SIGKILLs of `switchyard run` on Pub/Sub (gcloud's emulator) at random
 * moments, then a run that finishes: no id may be lost, and per-key order holds
 * for every record written for the first time. Each restart is a new
 * subscriber of the group's ordered subscription, started once the killed
 * one's leases have expired (the 10 s ack deadline and a second): the service
 * holds a key back until then, the emulator does not and would hand the
 * restart later messages of a key first (decision 2328).
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
        // Restarts here wrote their first record 3.5–5.4 s after they were started (the streaming pull's own start).
        startTimeoutMs: 60_000,
        finishTimeoutMs: 120_000,
        restartAfterMs: 11_000,
      });
      reportKillLoop("pubsub", result);
      expectKillLoopHeld(result, { order: true });
    },
  );
});
