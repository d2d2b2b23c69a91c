/**
 * What the same-alerts tests share: the seeded feed every profile gets, the
 * `local` run they are compared with (run once per test file), and the
 * comparison itself — same alerted transactions, same dead letters.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { FraudRunOptions, FraudRunResult } from "./fraud-run.js";
import { runFraudExample } from "./fraud-run.js";

/** A few thousand events over a few hundred cards, so cards build up history in the state store. */
const EVENTS = 4000;
const GENERATOR = { seed: 11, cards: 400, corruptRate: 0.01 };
const RUN_TIMEOUT_MS = 40_000;

const runId = randomUUID().slice(0, 8);
let local: Promise<FraudRunResult> | undefined;

/** The run options of `profile`: the shared feed, a consumer group unique to this run. */
export function runOptions(env: FraudRunOptions["env"], profile: string): FraudRunOptions {
  return {
    env,
    events: EVENTS,
    generator: GENERATOR,
    group: `e2e-${profile}-${runId}`,
    timeoutMs: RUN_TIMEOUT_MS,
  };
}

/** The example's `local` run, which the engines are compared with (run on first call, once). */
export function localRun(): Promise<FraudRunResult> {
  local ??= runFraudExample("local", runOptions(process.env, "local"));
  return local;
}

/** Asserts a run alerted exactly the transactions `local` did and dead-lettered as many records. */
export function expectSameAsLocal(engine: FraudRunResult, reference: FraudRunResult): void {
  const missing = reference.alertIds.filter((id) => !engine.alertIds.includes(id));
  const extra = engine.alertIds.filter((id) => !reference.alertIds.includes(id));
  expect(
    { missing, extra },
    `${engine.profile}: ${engine.alertIds.length} alerted transactions vs ${reference.alertIds.length} on local`,
  ).toEqual({ missing: [], extra: [] });
  expect(engine.deadLetters, `${engine.profile}: dead letters counted`).toBe(reference.deadLetters);
  expect(engine.deadLetterRecords, `${engine.profile}: records on the dead-letter stream`).toBe(
    reference.deadLetterRecords,
  );
  expect(engine.processed).toBe(engine.produced);
  console.log(
    `${engine.profile}: ${engine.alertIds.length} alerts (${engine.alertRecords} records), ` +
      `${engine.deadLetterRecords} dead letters, ${engine.processed} events — same as local`,
  );
}
