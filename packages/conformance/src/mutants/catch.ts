import { runSuite } from "../check.js";
import type { CheckOutcome, Suite } from "../check.js";

/** Runs a suite to the first failing check; returns that check's outcome, or undefined when every check passed. */
export async function firstFailure(suite: Suite<never>): Promise<CheckOutcome | undefined> {
  const outcomes = await runSuite(suite, { bail: true });
  return outcomes.find((o) => o.status === "failed");
}

/** Runs every check of a suite; returns the failures. */
export async function failures(suite: Suite<never>): Promise<CheckOutcome[]> {
  return (await runSuite(suite)).filter((o) => o.status === "failed");
}
