import type { IncomingRecord } from "@switchyard/core/driver";
import type { StreamDefect } from "./stream-wrap.js";

/** Changes what each `receive` returns, through `change` (a fresh one per consumer). */
function onEachConsumer(change: () => (records: IncomingRecord[]) => IncomingRecord[]): StreamDefect {
  return {
    consumer: (inner) => {
      const apply = change();
      return { receive: async (max, signal) => apply(await inner.receive(max, signal)) };
    },
  };
}

/** Records with the ones at `i` and `j` swapped. */
function swapped(records: IncomingRecord[], i: number, j: number): IncomingRecord[] {
  const out = [...records];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}

/** Swaps two records of one key, once: a broken per-key (and partition) order. */
export function reordersOneKey(): StreamDefect {
  let done = false;
  return {
    consumer: (inner) => ({
      receive: async (max, signal) => {
        const records = await inner.receive(max, signal);
        const i = records.findIndex((r, at) => records.slice(at + 1).some((s) => s.key === r.key));
        if (done || i < 0) return records;
        done = true;
        return swapped(
          records,
          i,
          records.findIndex((s, at) => at > i && s.key === records[i]!.key),
        );
      },
    }),
  };
}

/**
 * Swaps the first two neighbouring records of different keys in each consumer's
 * first such batch: what per-key publish queues do to one send's records, which
 * per-key order allows and partition order does not.
 */
export function mixesKeys(): StreamDefect {
  return onEachConsumer(() => {
    let done = false;
    return (records) => {
      const i = records.findIndex((r, at) => at + 1 < records.length && records[at + 1]!.key !== r.key);
      if (done || i < 0) return records;
      done = true;
      return swapped(records, i, i + 1);
    };
  });
}

/** `defect`, on a driver that declares only per-key order (which a partition-ordered stream keeps). */
export function keyOrdered(defect: () => StreamDefect): () => StreamDefect {
  return () => {
    const d = defect();
    return { ...d, capabilities: { ...d.capabilities, ordering: "key" } };
  };
}
