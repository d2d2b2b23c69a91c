/**
 * The canary pipeline: records from `input` to `output`, counted in the `seen`
 * state store. Every tenth record fails in a way that leaks: its error message
 * quotes a connection URL and a `password=` pair carrying the canary secret,
 * and is over a megabyte long, as a careless error from a user's step could be.
 */
import { pipeline } from "@switchyard/core";

/** A record of the canary run. */
export interface Numbered {
  /** 0 … N-1. */
  id: number;
}

const leaky = () =>
  `lookup failed on rediss://app:${process.env.CANARY}@${process.env.CANARY_REDIS}/0 ` +
  `(password=${process.env.CANARY}) ` +
  "x".repeat(1_100_000);

/** `input` → `output`, through the state store, in group `canary`. */
export default pipeline("canary")
  .from<Numbered>("input", { group: "canary" })
  .enrich(async (batch: Numbered[], context) => {
    await context.state("seen").increment("records", batch.length);
    return batch;
  })
  .map((record) => {
    if (record.id % 10 === 3) throw new Error(leaky());
    return record;
  })
  .to("output")
  .configure({ batchSize: 50, retry: { maxAttempts: 2, initialDelayMs: 10 } });
