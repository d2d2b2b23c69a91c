import { describe, it } from "vitest";
import type { Suite } from "./check.js";
import { runCheck } from "./check.js";

/** Registers a suite's checks as vitest tests; a check that does not apply is skipped with its reason in the title. */
export function registerSuite<C>(suite: Suite<C>): void {
  describe(suite.title, { timeout: suite.timeoutMs + 5_000 }, () => {
    for (const check of suite.checks) {
      const title = check.skip === undefined ? check.name : `${check.name} (skipped: ${check.skip})`;
      it.skipIf(check.skip !== undefined)(title, () => runCheck(suite, check));
    }
  });
}
