import type { ModelDriver } from "@switchyard/core/driver";
import type { Suite } from "./check.js";
import { commonChecks } from "./driver-checks.js";
import type { ModelHarness } from "./harness.js";
import { modelChecks } from "./model-checks.js";
import type { ModelContext } from "./model-context.js";
import { CALL_TIMEOUT_MS, openModelContext } from "./model-context.js";
import { registerSuite } from "./register.js";

/**
 * The model conformance suite of an adapter, as plain checks: one output per
 * input in order; batches at, above and below `maxBatch`; determinism; bad
 * input fails only its caller; NotFound; error classification; `as()`;
 * `probe()`; `close()`.
 */
export function modelSuite(harness: ModelHarness): Suite<ModelContext & { dispose(): Promise<void> }> {
  return {
    title: `model conformance: ${harness.name}`,
    timeoutMs: harness.timeoutMs ?? 20_000,
    checks: [
      ...modelChecks(harness),
      ...commonChecks<ModelContext, ModelDriver>({
        client: harness.client,
        probe: harness.probe,
        driver: async ({ driver }) => driver,
        callAfterClose: (driver) => driver.predict([harness.inputs[0]], AbortSignal.timeout(CALL_TIMEOUT_MS)),
      }),
    ],
    open: () => openModelContext(harness),
    dispose: (context) => context.dispose(),
  };
}

/** Registers the model conformance suite of an adapter as vitest tests (see {@link modelSuite}). */
export function runModelConformance(harness: ModelHarness): void {
  registerSuite(modelSuite(harness));
}
