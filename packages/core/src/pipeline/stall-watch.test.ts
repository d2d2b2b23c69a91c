import { describe, expect, it } from "vitest";
import { StallWatch } from "./stall-watch.js";

describe("StallWatch", () => {
  it("warns once records in flight stop being finished, and again when they are finished", () => {
    const watch = new StallWatch(5000, 0);
    expect(watch.sample(10, 50, 1000)).toBeUndefined();
    expect(watch.sample(10, 50, 4000)).toBeUndefined();
    expect(watch.sample(10, 50, 6000)).toMatch(/no record finished for 5\.0 s with 50 in flight/);
    expect(watch.sample(10, 50, 7000)).toBeUndefined();
    expect(watch.sample(11, 49, 9000)).toMatch(/finished again after a stall of 8\.0 s/);
    expect(watch.sample(11, 49, 10_000)).toBeUndefined();
  });

  it("says nothing while there is no work", () => {
    const watch = new StallWatch(5000, 0);
    expect(watch.sample(0, 0, 60_000)).toBeUndefined();
  });
});
