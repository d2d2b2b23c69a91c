import { describe, expect, it } from "vitest";
import { planAssignment } from "./assignment.js";

describe("planAssignment", () => {
  it("deals partitions round-robin to new members", () => {
    expect(planAssignment([[], [], []], 7)).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
  });

  it("gives every partition to exactly one member, in fair shares", () => {
    const plan = planAssignment([[0, 1, 2, 3, 4], [], [5]], 6);
    expect(plan.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(plan.map((ps) => ps.length)).toEqual([2, 2, 2]);
  });

  it("moves only what a joining member needs", () => {
    expect(planAssignment([[0, 1, 2, 3], []], 4)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it("hands a leaving member's partitions to the others without moving theirs", () => {
    // Member 1 of [[0,3],[1],[2]] left: the others keep theirs and share partition 1.
    const plan = planAssignment([[0, 3], [2]], 4);
    expect(plan[0]).toEqual(expect.arrayContaining([0, 3]));
    expect(plan[1]).toEqual(expect.arrayContaining([2]));
    expect(plan.flat().sort()).toEqual([0, 1, 2, 3]);
  });

  it("leaves members idle when there are more members than partitions", () => {
    expect(planAssignment([[0], [], []], 2)).toEqual([[0], [1], []]);
  });
});
