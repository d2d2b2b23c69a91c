/**
 * The comparison every engine's end-to-end run makes with the demo's `local`
 * run: the same alerted transactions, the same dead letters, every event done.
 */
import { expect } from "vitest";
import type { DemoRunResult } from "./demo-run.js";

/** Asserts that `run` raised the same alerts and dead letters as `local`; `what` names the run in messages. */
export function expectSameAsLocal(run: DemoRunResult, local: DemoRunResult, what: string): void {
  const missing = local.alertIds.filter((id) => !run.alertIds.includes(id));
  const extra = run.alertIds.filter((id) => !local.alertIds.includes(id));
  expect(
    { missing, extra },
    `${what}: ${run.alertIds.length} alerted transactions vs ${local.alertIds.length} on local`,
  ).toEqual({ missing: [], extra: [] });
  expect(run.deadLetters, `${what}: dead letters counted`).toBe(local.deadLetters);
  expect(run.deadLetterRecords, `${what}: records on the dead-letter stream`).toBe(local.deadLetterRecords);
  expect(run.processed, `${what}: events done`).toBe(local.processed);
  const { eventsPerSec, p50Ms, p99Ms } = run.figures;
  console.log(
    `${what}: ${run.alertIds.length} alerts (${run.alertRecords} records), ${run.deadLetterRecords} dead letters, ` +
      `${run.processed} events at ${Math.round(eventsPerSec)}/s, p50 ${p50Ms.toFixed(0)} ms, p99 ${p99Ms.toFixed(0)} ms — same as local`,
  );
}
