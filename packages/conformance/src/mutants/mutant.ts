import type { Suite } from "../check.js";

/** A deliberately broken driver, one defect each, with the suite that must catch it. */
export interface Mutant {
  /** The defect, as a test title. */
  name: string;
  /** The conformance suite run against the broken driver. */
  suite(): Suite<never>;
}

/** Upcasts a suite of any context to the shape {@link Mutant} keeps (the context never leaves the suite). */
export function anySuite<C>(suite: Suite<C>): Suite<never> {
  return suite as unknown as Suite<never>;
}

/** A short per-check timeout for in-memory drivers, so that a mutant caught by a waiting check costs little. */
export const MUTANT_TIMEOUT_MS = 3_000;
