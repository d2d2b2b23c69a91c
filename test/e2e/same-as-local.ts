/**
 * The comparison every engine's end-to-end run makes with the example's
 * `local` run: the same alerted transactions, the same dead letters, every
 * event done.
 */
import { expect } from "vitest";
import type { FraudRunResult } from "./fraud-run.js";

/** Asserts that `engine` raised the same alerts and dead letters as `local`, and finished every event. */
export function expectSameAsLocal(engine: FraudRunResult, local: FraudRunResult): void {
  const missing = local.alertIds.filter((id) => !engine.alertIds.includes(id));
  const extra = engine.alertIds.filter((id) => !local.alertIds.includes(id));
  expect(
    { missing, extra },
    `${engine.profile}: ${engine.alertIds.length} alerted transactions vs ${local.alertIds.length} on local`,
  ).toEqual({ missing: [], extra: [] });
  expect(engine.deadLetters, `${engine.profile}: dead letters counted`).toBe(local.deadLetters);
  expect(engine.deadLetterRecords, `${engine.profile}: records on the dead-letter stream`).toBe(
    local.deadLetterRecords,
  );
  expect(engine.processed).toBe(engine.produced);
  console.log(
    `${engine.profile}: ${engine.alertIds.length} alerts (${engine.alertRecords} records), ` +
      `${engine.deadLetterRecords} dead letters, ${engine.processed} events — same as local`,
  );
}
