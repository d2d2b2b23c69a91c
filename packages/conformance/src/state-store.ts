import { StateStore } from "@switchyard/core";
import type { StateStoreDriver } from "@switchyard/core/driver";
import { openMissing, rejectsWith } from "./assertions.js";
import type { Check, Suite } from "./check.js";
import { commonChecks } from "./driver-checks.js";
import type { StateStoreHarness } from "./harness.js";
import { registerSuite } from "./register.js";
import { stateClaimChecks } from "./state-claims.js";
import type { StateContext } from "./state-context.js";
import { openStateContext } from "./state-context.js";
import { stateDataChecks } from "./state-data.js";
import { stateFeatureChecks } from "./state-features.js";

/**
 * The state-store conformance suite of an adapter, as plain checks: claims
 * both ways; binary values; versions; batches at, above and below `maxBatch`;
 * compare-and-set conflicts; TTL honoured on read; atomic increments;
 * NotFound; error classification; `as()`; `probe()`; `close()`.
 */
export function stateStoreSuite(
  harness: StateStoreHarness,
): Suite<StateContext & { dispose(): Promise<void> }> {
  return {
    title: `state store conformance: ${harness.name}`,
    timeoutMs: harness.timeoutMs ?? 20_000,
    checks: [
      ...stateClaimChecks(harness),
      ...stateDataChecks(),
      ...stateFeatureChecks(harness),
      notFound(harness),
      ...commonChecks<StateContext, StateStoreDriver>({
        client: harness.client,
        probe: harness.probe,
        driver: async ({ driver }) => driver,
        callAfterClose: (driver) => driver.get(["k"], AbortSignal.timeout(10_000)),
      }),
    ],
    open: () => openStateContext(harness),
    dispose: (context) => context.dispose(),
  };
}

/** Registers the state-store conformance suite of an adapter as vitest tests (see {@link stateStoreSuite}). */
export function runStateStoreConformance(harness: StateStoreHarness): void {
  registerSuite(stateStoreSuite(harness));
}

function notFound(harness: StateStoreHarness): Check<StateContext> {
  return {
    name: "reports a missing resource as NotFound (first read and probe)",
    skip:
      harness.createMissing === undefined
        ? "the backend creates its resource on first use (no createMissing)"
        : undefined,
    run: async ({ track }) => {
      const driver = await openMissing(() => harness.createMissing!());
      if (driver === undefined) return;
      const missing = track(new StateStore(driver, { name: "missing", retry: { maxAttempts: 1 } }));
      await rejectsWith(missing.get("k"), ["NotFound"]);
      if (harness.probe)
        await rejectsWith(driver.probe!(AbortSignal.timeout(10_000)), ["NotFound"], (e) =>
          driver.errorCode(e),
        );
    },
  };
}
