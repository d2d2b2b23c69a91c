/**
 * The kill-loop pipeline: sequenced records in, the same records out on
 * `processed`, keyed as they came, after a little work per record (as a model
 * call would take), so a kill lands while batches are in flight.
 */
import { pipeline } from "@switchyard/core";

/** A record of the kill loop: the `seq`-th record of its key. */
export interface Sequenced {
  /** Unique, 0 … N-1. */
  id: number;
  /** The record's key. */
  key: string;
  /** Its place among the records of its key, from 0. */
  seq: number;
}

const WORK_MS_PER_RECORD = 0.5;

/**
 * Records from `items` to `processed`, in a consumer group of the run's own
 * (`KILL_RUN`): a Kafka group shared with an earlier run would keep that run's
 * killed static member until its session expired, and hold up every join.
 */
export default pipeline("kill-loop")
  .from<Sequenced>("items", { group: `${process.env.KILL_RUN ?? "kill"}-pipeline` })
  .enrich(async (batch: Sequenced[]) => {
    await new Promise((resolve) => setTimeout(resolve, batch.length * WORK_MS_PER_RECORD));
    return batch;
  })
  .to("processed")
  // Commits every 250 ms: an instance often lives less than a second, and a kill redoes what was done since the last commit.
  .configure({ batchSize: 200, commitIntervalMs: 250 });
