import { describe, expect, it } from "vitest";
import { StallWatch } from "./stall-watch.js";

describe("StallWatch", () => {
  it("warns once records in flight stop being finished, and again when they are finished", () => {
    const watch = new StallWatch(5000, 0);
    expect(watch.sample(10, 50, 0, 1000)).toBeUndefined();
    expect(watch.sample(10, 50, 0, 4000)).toBeUndefined();
    expect(watch.sample(10, 50, 0, 6000)).toMatch(/no record finished for 5\.0 s with 50 in flight/);
    expect(watch.sample(10, 50, 0, 7000)).toBeUndefined();
    expect(watch.sample(11, 49, 0, 9000)).toMatch(/finished again after a stall of 8\.0 s/);
    expect(watch.sample(11, 49, 0, 10_000)).toBeUndefined();
  });

  it("says nothing while there is no work", () => {
    const watch = new StallWatch(5000, 0);
    expect(watch.sample(0, 0, 0, 60_000)).toBeUndefined();
  });

  it("warns when records wait at the source and none arrives, nothing in flight (a blackholed fetch)", () => {
    const watch = new StallWatch(5000, 0);
    expect(watch.sample(10, 0, 300, 1000)).toBeUndefined();
    expect(watch.sample(10, 0, 300, 6000)).toMatch(
      /no record finished for 5\.0 s with 300 waiting at the source/,
    );
    expect(watch.sample(12, 0, 298, 8000)).toMatch(/finished again/);
  });
});
