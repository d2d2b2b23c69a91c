import { describe, expect, it } from "vitest";
import { DeadLetterWatch } from "./dead-letter-watch.js";

const options = { warnRatio: 0.5, maxRatio: 0.8, windowMs: 10_000, minRecords: 100 };

describe("DeadLetterWatch", () => {
  it("judges nothing until enough recent records were done", () => {
    const watch = new DeadLetterWatch(options, 0);
    expect(watch.sample(50, 50, 1000)).toEqual({});
  });

  it("warns once per window when more than the warning share of recent records was dead-lettered", () => {
    const watch = new DeadLetterWatch({ ...options, maxRatio: undefined }, 0);
    expect(watch.sample(1000, 600, 1000).warning).toMatch(/^WARNING: 600 of the last 1,000 records \(60%\)/);
    expect(watch.sample(1100, 660, 2000)).toEqual({});
    expect(watch.sample(2000, 1200, 11_500).warning).toContain("went to the dead-letter stream");
  });

  it("returns an error to stop with once the share is above the maximum", () => {
    const watch = new DeadLetterWatch(options, 0);
    const { error } = watch.sample(1000, 900, 1000);
    expect(error?.code).toBe("FailedPrecondition");
    expect(error?.message).toContain("more than the allowed 80%");
  });

  it("looks only at the recent window, so an old burst of dead letters no longer counts", () => {
    const watch = new DeadLetterWatch(options, 0);
    watch.sample(1000, 400, 1000);
    expect(watch.sample(2000, 400, 12_000)).toEqual({});
  });
});
