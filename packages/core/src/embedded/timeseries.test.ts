import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Point } from "../driver/timeseries.js";
import { fileTimeSeries } from "./file-timeseries.js";
import { memoryTimeSeries, resetMemoryTimeSeries } from "./memory-timeseries.js";

const signal = new AbortController().signal;

function point(time: number, score: number, measurement = "fraud_scores"): Point {
  return { measurement, tags: { merchant: "m-1" }, fields: { score, alert: score > 0.9 }, time };
}

describe("memory:// time series", () => {
  afterEach(() => resetMemoryTimeSeries());

  it("returns the points of one measurement in [from, to), shared by name", async () => {
    const sink = memoryTimeSeries("scores");
    await sink.write([point(10, 0.1), point(20, 0.95), point(30, 0.5), point(20, 1, "other")], signal);
    const reader = memoryTimeSeries("scores");
    expect(await reader.query("fraud_scores", 20, 30, signal)).toEqual([point(20, 0.95)]);
    expect(await memoryTimeSeries("elsewhere").query("fraud_scores", 0, 100, signal)).toEqual([]);
  });

  it("refuses points that would not read back as written", async () => {
    const sink = memoryTimeSeries("bad");
    await expect(sink.write([point(Number.NaN, 1)], signal)).rejects.toMatchObject({
      code: "InvalidArgument",
    });
    await expect(sink.write([point(1, Number.POSITIVE_INFINITY)], signal)).rejects.toMatchObject({
      code: "InvalidArgument",
    });
    await expect(sink.write([{ ...point(1, 1), measurement: "" }], signal)).rejects.toMatchObject({
      code: "InvalidArgument",
    });
    expect(await sink.query("fraud_scores", 0, 100, signal)).toEqual([]);
  });
});

describe("file: time series", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchyard-ts-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends one JSON object per point and line, across reopenings", async () => {
    const path = join(dir, "out", "scores.ndjson");
    const sink = await fileTimeSeries(path);
    await sink.write([point(1, 0.25), point(2, 0.75)], signal);
    await sink.close();
    const again = await fileTimeSeries(path);
    await again.write([point(3, 0.99)], signal);
    await again.close();

    const lines = (await readFile(path, "utf8")).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      point(1, 0.25),
      point(2, 0.75),
      point(3, 0.99),
    ]);
    expect(lines[0]).toBe(
      '{"measurement":"fraud_scores","tags":{"merchant":"m-1"},"fields":{"score":0.25,"alert":false},"time":1}',
    );
  });

  it("reads back what it wrote, by measurement and time", async () => {
    const sink = await fileTimeSeries(join(dir, "scores.ndjson"));
    await sink.write([point(10, 0.1), point(20, 0.2, "other"), point(30, 0.3)], signal);
    expect(await sink.query("fraud_scores", 10, 30, signal)).toEqual([point(10, 0.1)]);
    await sink.close();
    await sink.close();
    await expect(sink.write([point(40, 0.4)], signal)).rejects.toMatchObject({ code: "FailedPrecondition" });
  });

  it("ignores an unfinished last line but reports a broken one", async () => {
    const path = join(dir, "crashed.ndjson");
    await writeFile(path, JSON.stringify(point(1, 0.5)) + '\n{"measurement":"fr');
    const sink = await fileTimeSeries(path);
    expect(await sink.query("fraud_scores", 0, 10, signal)).toEqual([point(1, 0.5)]);
    await writeFile(path, 'not json\n{"measurement":"fraud_scores"}\n');
    await expect(sink.query("fraud_scores", 0, 10, signal)).rejects.toThrow(/line 1/);
    await sink.close();
  });

  it("fails at open, naming the path, when the file cannot be created", async () => {
    await expect(fileTimeSeries(dir)).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining(dir) as unknown,
    });
  });
});
