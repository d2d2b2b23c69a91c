import { describe, expect, it } from "vitest";
import { PartitionCheckpoint } from "./checkpoint.js";

/** What a commit that the back end accepts does: take the committable position and mark it committed. */
function commit(c: PartitionCheckpoint) {
  const p = c.committable();
  if (p !== undefined) c.markCommitted(p);
  return p;
}

const positions = (n: number) => Array.from({ length: n }, (_, i) => ({ partition: "0", offset: String(i) }));

describe("PartitionCheckpoint", () => {
  it("commits only up to the first record that is not done", () => {
    const c = new PartitionCheckpoint("0");
    const first = c.track(positions(10));
    c.markDone(first + 5, 5);
    expect(commit(c)).toBeUndefined();
    c.markDone(first, 3);
    expect(commit(c)).toEqual({ partition: "0", offset: "2" });
    c.markDone(first + 3, 2);
    expect(commit(c)).toEqual({ partition: "0", offset: "9" });
    expect(commit(c)).toBeUndefined();
  });

  it("counts pending records and resolves drained() when all are done", async () => {
    const c = new PartitionCheckpoint("0");
    const first = c.track(positions(3));
    const drained = c.drained();
    c.markDone(first + 1);
    c.markDone(first + 1);
    expect(c.pending).toBe(2);
    c.markDone(first, 3);
    await drained;
    expect(c.pending).toBe(0);
  });

  it("keeps ordinals stable across compaction of long runs", () => {
    const c = new PartitionCheckpoint("0");
    let last = { partition: "0", offset: "" };
    for (let round = 0; round < 50; round++) {
      const batch = Array.from({ length: 100 }, (_, i) => ({
        partition: "0",
        offset: String(round * 100 + i),
      }));
      const first = c.track(batch);
      c.markDone(first, 100);
      last = batch[99]!;
    }
    expect(commit(c)).toEqual(last);
  });

  it("keeps a position committable until a commit of it was accepted", () => {
    const c = new PartitionCheckpoint("0");
    c.markDone(c.track(positions(3)), 3);
    // A commit that failed never called markCommitted: the same position is offered again.
    expect(c.committable()).toEqual({ partition: "0", offset: "2" });
    expect(c.committable()).toEqual({ partition: "0", offset: "2" });
    c.markCommitted({ partition: "0", offset: "2" });
    expect(c.committable()).toBeUndefined();
  });

  it("ignores acknowledgements after the partition was released", () => {
    const c = new PartitionCheckpoint("0");
    const first = c.track(positions(2));
    c.released = true;
    c.markDone(first, 2);
    expect(commit(c)).toBeUndefined();
  });
});
