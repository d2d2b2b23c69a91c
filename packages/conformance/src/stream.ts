import type { Suite } from "./check.js";
import { registerSuite } from "./register.js";
import { streamClaimChecks } from "./stream-claims.js";
import type { StreamContext } from "./stream-context.js";
import { openStreamContext } from "./stream-context.js";
import { streamDriverChecks } from "./stream-driver.js";
import { streamGroupChecks } from "./stream-groups.js";
import type { StreamHarness } from "./stream-harness.js";
import { streamRecordChecks } from "./stream-records.js";
import { streamSettlementChecks } from "./stream-settlement.js";
import { streamStartChecks } from "./stream-starts.js";

/**
 * The stream conformance suite of an adapter, as plain checks: claims both
 * ways; exact records, keys and headers; per-key order; unique ids;
 * back-pressure; the size limit at the driver; commit, close and nack
 * semantics; consumer groups; `{ offsets }` and `{ timestamp }` starts;
 * NotFound; `lag()`; error classification; `as()`; `probe()`; `close()`.
 */
export function streamSuite(harness: StreamHarness): Suite<StreamContext & { dispose(): Promise<void> }> {
  const timeoutMs = harness.timeoutMs ?? 30_000;
  return {
    title: `stream conformance: ${harness.name}`,
    timeoutMs: timeoutMs + (harness.redeliveryWithinMs ?? 15_000),
    checks: [
      ...streamClaimChecks(harness.claims),
      ...streamRecordChecks(harness.claims),
      ...streamSettlementChecks(harness.claims),
      ...streamStartChecks(harness),
      ...streamGroupChecks(harness.claims),
      ...streamDriverChecks(harness),
    ],
    open: async () => openStreamContext(harness, timeoutMs),
    dispose: (context) => context.dispose(),
  };
}

/** Registers the stream conformance suite of an adapter as vitest tests (see {@link streamSuite}). */
export function runStreamConformance(harness: StreamHarness): void {
  registerSuite(streamSuite(harness));
}
