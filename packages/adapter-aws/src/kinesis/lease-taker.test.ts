import { describe, expect, it } from "vitest";
import type { Lease } from "./lease.js";
import type { CounterSightings } from "./lease-taker.js";
import { expiredLeases, leasesToTake } from "./lease-taker.js";

function lease(key: string, owner: string | undefined, extra: Partial<Lease> = {}): Lease {
  return {
    leaseKey: key,
    leaseOwner: owner,
    leaseCounter: 1,
    checkpoint: "TRIM_HORIZON",
    checkpointSubSequenceNumber: 0,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    ...extra,
  };
}
const keys = (leases: Lease[]) => leases.map((l) => l.leaseKey);

describe("lease taking", () => {
  it("counts an owned lease as expired only once its counter stood still for the failover time", () => {
    const seen: CounterSightings = new Map();
    const leases = [lease("s0", "a")];
    expect(expiredLeases(leases, seen, 0, 1000).size).toBe(0);
    expect(expiredLeases(leases, seen, 900, 1000).size).toBe(0);
    expect(expiredLeases([lease("s0", "a", { leaseCounter: 2 })], seen, 1500, 1000).size).toBe(0);
    expect([...expiredLeases([lease("s0", "a", { leaseCounter: 2 })], seen, 2600, 1000)]).toEqual(["s0"]);
  });

  it("takes unassigned leases up to an even share", () => {
    const leases = [lease("s0", undefined), lease("s1", undefined), lease("s2", "b"), lease("s3", "b")];
    expect(keys(leasesToTake(leases, new Set(), "a", new Set()))).toEqual(["s0", "s1"]);
  });

  it("steals one lease from the most loaded member when nothing is free", () => {
    const leases = ["s0", "s1", "s2", "s3"].map((k) => lease(k, "b"));
    expect(leasesToTake(leases, new Set(), "a", new Set())).toHaveLength(1);
    const balanced = [lease("s0", "a"), lease("s1", "a"), lease("s2", "b"), lease("s3", "b")];
    expect(leasesToTake(balanced, new Set(), "a", new Set(["s0", "s1"]))).toEqual([]);
  });

  it("steals one lease from a member at its share when this member is two or more below it", () => {
    // Four shards, three members, two of them holding two each: the third must still get one.
    const leases = [lease("s0", "a"), lease("s1", "a"), lease("s2", "b"), lease("s3", "b")];
    expect(leasesToTake(leases, new Set(), "c", new Set())).toHaveLength(1);
    // One below its share is close enough: stealing then would only move the gap to another member.
    const settled = [lease("s0", "a"), lease("s1", "b"), lease("s2", "b"), lease("s3", "c")];
    expect(leasesToTake(settled, new Set(), "a", new Set(["s0"]))).toEqual([]);
    expect(leasesToTake(settled, new Set(), "c", new Set(["s3"]))).toEqual([]);
  });

  it("takes expired leases, and leaves children until their parents reach SHARD_END", () => {
    const leases = [
      lease("parent", "b"),
      lease("child", undefined, { parentShardIds: ["parent"] }),
      lease("done", "b", { checkpoint: "SHARD_END" }),
      lease("child2", undefined, { parentShardIds: ["done"] }),
    ];
    expect(keys(leasesToTake(leases, new Set(["parent"]), "a", new Set()))).toEqual(["parent", "child2"]);
  });
});
