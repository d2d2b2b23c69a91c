/** Prints a kill loop's figures, for the test log and docs/reliability.md, and checks what every back end must hold. */
import { expect } from "vitest";
import type { KillLoopResult } from "./kill-loop.js";

/** Prints one line of figures about a kill loop on `backend`. */
export function reportKillLoop(backend: string, result: KillLoopResult): void {
  const perKill = result.duplicatesPerKill;
  const mean = perKill.reduce((a, b) => a + b, 0) / Math.max(1, perKill.length);
  console.log(
    `kill loop on ${backend}: ${result.records} records, ${result.records - result.unique} lost, ` +
      `${result.duplicates} duplicates (per kill: ${perKill.join(", ")}; mean ${Math.round(mean)}, max ${Math.max(...perKill)}), ` +
      `${result.outOfOrder} out of order; worked ms: ${result.workedMs.join(", ")}; new ids per life: ${result.progress.join(", ")}; first write after ms: ${result.firstWriteMs.join(", ")}`,
  );
}

/**
 * What a kill loop must show on every back end: the final run ends cleanly, no
 * id is lost, and no kill redoes a large share of the run (a kill redoes what
 * was done since the last commit plus the batches in flight). Per-key order is
 * checked where `order` is true.
 */
export function expectKillLoopHeld(result: KillLoopResult, { order }: { order: boolean }): void {
  expect(result.finalExit).toBe(0);
  expect(result.records - result.unique).toBe(0);
  if (order) expect(result.outOfOrder).toBe(0);
  expect(Math.max(...result.duplicatesPerKill)).toBeLessThan(result.records / 4);
}
