/** Prints a kill loop's figures, for the test log and docs/reliability.md. */
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
