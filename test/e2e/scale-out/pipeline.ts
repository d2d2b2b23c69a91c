/**
 * The pipeline the scale-out test runs in several processes: reads numbered
 * items, spends a little time per record (as a model call would), and writes
 * each one to `processed` stamped with the instance that handled it.
 */
import { pipeline } from "@switchyard/core";

/** An item the test produces. */
export interface Item {
  /** Unique, 0 … N-1. */
  id: number;
}

/** An item as the pipeline writes it. */
export interface ProcessedItem extends Item {
  /** The instance that processed it (`E2E_INSTANCE`). */
  by: string;
}

/**
 * Time spent per record, ms: slow enough that a run lasts long enough to kill an instance
 * mid-way. `E2E_WORK_MS` raises it where instances take longer to share the work (leases
 * and ownership blobs are balanced over several renewal cycles).
 */
const WORK_MS_PER_RECORD = Number(process.env.E2E_WORK_MS ?? 2);

const instance = process.env.E2E_INSTANCE ?? "solo";

/** Items in, the same items (keyed as they came) out on `processed`, in one consumer group. */
export default pipeline("scale-out")
  .from<Item>("items", { group: process.env.E2E_GROUP ?? "scale-out" })
  .enrich(async (batch: Item[]): Promise<ProcessedItem[]> => {
    await new Promise((resolve) => setTimeout(resolve, batch.length * WORK_MS_PER_RECORD));
    return batch.map((item) => ({ id: item.id, by: instance }));
  })
  .to("processed")
  .configure({ batchSize: 200 });
