/**
 * Ten SIGKILLs of `switchyard run` on Event Hubs (the project's protocol double,
 * checkpoints and ownership on Azurite) at random moments, then a run that
 * finishes: no id may be lost, and per-key order holds for every record written
 * for the first time. Each restart is a new owner and claims the killed one's
 * partitions once their ownership expires (6 s), from their checkpoints.
 */
import { it } from "vitest";
import { describeService } from "../../harness/suite.js";
import { createHub, deleteHub } from "../../services/eventhubs.js";
import { killLoop } from "./kill-loop.js";
import { expectKillLoopHeld, reportKillLoop } from "./report.js";

const HUBS = { items: 4, processed: 4, "dead-letters": 1 };

describeService("eventhubs", "switchyard run on Event Hubs, killed ten times", (eventHubs) =>
  describeService("azurite", "checkpoints on Azurite", (azurite) => {
    it(
      "loses no record and keeps per-key order, with few duplicates per kill",
      { timeout: 600_000 },
      async () => {
        const control = eventHubs.SWITCHYARD_EVENTHUBS_CONTROL_URL!;
        const secrets = {
          AZURE_EVENTHUBS_CONNECTION_STRING: eventHubs.SWITCHYARD_EVENTHUBS_CONNECTION_STRING!,
          AZURE_STORAGE_CONNECTION_STRING: azurite.SWITCHYARD_AZURITE_CONNECTION_STRING!,
        };
        // The adapter reads its secrets from the process environment, as a deployment sets them.
        Object.assign(process.env, secrets);
        let hubsOf = "";
        try {
          const result = await killLoop({
            profile: "eventhubs",
            env: secrets,
            prepare: async (run) => {
              hubsOf = run;
              for (const [name, partitions] of Object.entries(HUBS))
                await createHub(control, `${run}-${name}`, partitions);
            },
            records: 30_000,
            cycles: 10,
            maxWorkMs: 3000,
            // A restart first waits for the killed one's ownership to expire (6 s).
            startTimeoutMs: 60_000,
            finishTimeoutMs: 120_000,
          });
          reportKillLoop("eventhubs", result);
          expectKillLoopHeld(result, { order: true });
        } finally {
          for (const name of Object.keys(HUBS))
            if (hubsOf !== "") await deleteHub(control, `${hubsOf}-${name}`);
        }
      },
    );
  }),
);
