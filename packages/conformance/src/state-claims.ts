import assert from "node:assert/strict";
import type { ErrorCode } from "@switchyard/core";
import { SwitchyardError } from "@switchyard/core";
import { rejectsWith } from "./assertions.js";
import type { Check } from "./check.js";
import type { StateStoreHarness } from "./harness.js";
import type { StateContext } from "./state-context.js";
import { bytes } from "./state-context.js";

const REFUSED: readonly ErrorCode[] = ["Unimplemented", "FailedPrecondition"];

/** The checks that the driver declares exactly what the harness claims, and that core acts on the declaration. */
export function stateClaimChecks(harness: StateStoreHarness): Check<StateContext>[] {
  const claims = harness.capabilities;
  return [
    {
      name: "declares exactly the capabilities the harness claims",
      run: async ({ driver }) => {
        const c = driver.capabilities;
        assert.deepEqual({ cas: c.cas, ttl: c.ttl, increment: c.increment }, { ...claims });
        assert.ok(Number.isInteger(c.maxBatch) && c.maxBatch >= 1, "maxBatch must be a positive integer");
        assert.equal(
          typeof driver.increment === "function",
          claims.increment,
          "increment() presence differs from the claim",
        );
      },
    },
    {
      name: "core grants what is claimed, and refuses at startup and per call, naming it, what is not",
      run: async ({ store, key }) => {
        const named = { cas: /compare-and-set/, ttl: /time to live/, increment: /increment/ } as const;
        for (const capability of ["cas", "ttl", "increment"] as const) {
          if (claims[capability]) {
            store.require({ [capability]: true });
            continue;
          }
          assert.throws(
            () => store.require({ [capability]: true }),
            (err: unknown) =>
              err instanceof SwitchyardError &&
              err.code === "FailedPrecondition" &&
              named[capability].test(err.message),
            `a pipeline that needs ${capability} must be refused at startup`,
          );
        }
        if (!claims.cas) await rejectsWith(store.put(key("c"), bytes(1), { ifVersion: null }), REFUSED);
        if (!claims.ttl) await rejectsWith(store.put(key("t"), bytes(1), { ttlMs: 1000 }), REFUSED);
        if (!claims.increment) await rejectsWith(store.increment(key("i"), 1), REFUSED);
      },
    },
  ];
}
