import { describe, expect, it } from "vitest";
import { parseSeriesRowKey, seriesRowKey } from "./series-key.js";

describe("time-series row keys", () => {
  const point = {
    measurement: "fraud_scores",
    tags: { merchant: "m#1,a=b", card: "c%7" },
    fields: {},
    time: 1_700_000_000_123,
  };

  it("round-trip measurement, tags and time, separators in names and values included", () => {
    expect(parseSeriesRowKey(seriesRowKey(point))).toEqual({
      measurement: "fraud_scores",
      tags: { card: "c%7", merchant: "m#1,a=b" },
      time: 1_700_000_000_123,
    });
  });

  it("put a series' newer points first, and one series in one key range whatever the tag order", () => {
    const older = seriesRowKey({ ...point, time: point.time - 1 });
    const newer = seriesRowKey(point);
    expect(newer < older).toBe(true);
    const reordered = seriesRowKey({ ...point, tags: { merchant: "m#1,a=b", card: "c%7" } });
    expect(reordered).toBe(newer);
  });
});
