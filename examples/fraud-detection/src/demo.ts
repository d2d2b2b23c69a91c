/**
 * `npm run demo`: the fraud-detection case study end to end. Produces seeded
 * card transactions (with planted fraud and corrupt records), runs the fraud
 * pipeline on the chosen profile with its live stats line, and prints events/s,
 * end-to-end latency, alert precision and recall against the ground truth, and
 * the dead-letter count. `--json` prints the summary as the last line.
 * Each run writes under a name of its own; `--clean` removes what runs left.
 */
import { SwitchyardError } from "@switchyard/core";
import { DEMO_USAGE, parseDemoOptions } from "./demo-options.js";
import { cleanDemoRuns, runDemo } from "./run-demo.js";
import { formatSummary, summaryJson } from "./summary.js";

try {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(DEMO_USAGE);
    process.exit(0);
  }
  const options = parseDemoOptions(process.argv.slice(2));
  if (options.clean === true) {
    const removed = await cleanDemoRuns(options.profile);
    console.log(removed.length === 0 ? `nothing to remove on "${options.profile}"` : removed.join("\n"));
    process.exit(0);
  }
  const { summary, truth, alertLatency, alerts } = await runDemo(options, {
    // Said before anything is written, on stderr so that `--json` keeps stdout to the summary.
    onPlan: (plan) => {
      for (const line of plan.lines) console.error(line);
      for (const warning of plan.warnings) console.error(`⚠ ${warning}`);
    },
  });
  if (options.json) {
    console.log(summaryJson(summary));
  } else {
    const rulesAlerts = alerts.filter((a) => a.scoredBy === "rules").length;
    console.log(
      formatSummary(
        summary,
        { frauds: truth.fraudIds.size, corrupt: truth.corrupt },
        alertLatency,
        rulesAlerts,
      ),
    );
  }
  if (summary.deadLetters !== truth.corrupt) {
    console.error(
      `dead letters (${summary.deadLetters}) differ from the corrupt records produced (${truth.corrupt})`,
    );
    process.exit(1);
  }
  process.exit(0);
} catch (err) {
  console.error(err instanceof SwitchyardError ? `${err.code}: ${err.message}` : err);
  process.exit(1);
}
