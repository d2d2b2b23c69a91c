import { WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SwitchyardError, embedded } from "@switchyard/core";
import type { TimeSeriesDriver } from "@switchyard/core/driver";
import { uniqueName } from "../fixtures.js";
import type { TimeSeriesHarness } from "../harness.js";
import { timeSeriesSuite } from "../time-series.js";
import type { Mutant } from "./mutant.js";
import { MUTANT_TIMEOUT_MS, anySuite } from "./mutant.js";

/** One defect's changes to a time-series driver: fields replace the matching members. */
type SeriesDefect = (inner: TimeSeriesDriver) => Partial<TimeSeriesDriver> & { drop?: "query" };

const open = async (url: URL) => {
  const handler = embedded().schemes.find((s) => s.kind === "timeseries" && `${s.scheme}:` === url.protocol)!;
  return (await handler.create(url, { name: "mutant", baseDir: "." })) as TimeSeriesDriver;
};

function broken(inner: TimeSeriesDriver, defect: SeriesDefect): TimeSeriesDriver {
  const driver: TimeSeriesDriver = {
    capabilities: inner.capabilities,
    write: (points, signal) => inner.write(points, signal),
    query: (m, from, to, signal) => inner.query!(m, from, to, signal),
    errorCode: (err) => inner.errorCode(err),
    as: (type) => inner.as(type),
    probe: (signal) => inner.probe!(signal),
    close: () => inner.close(),
  };
  const { drop, ...changes } = defect(inner);
  Object.assign(driver, changes);
  if (drop !== undefined) delete driver[drop];
  return driver;
}

/** The harness of the embedded `memory://` (or, with `file`, `file:`) sink, claiming what it truly does, over drivers with `defect`. */
export function seriesHarness(defect: SeriesDefect, file = false): TimeSeriesHarness {
  let dir: string | undefined;
  return {
    name: `${file ? "file:" : "memory://"} (mutant)`,
    query: true,
    client: file ? WriteStream : null,
    probe: true,
    timeoutMs: MUTANT_TIMEOUT_MS,
    visibleWithinMs: 500,
    create: async () => {
      if (!file) return broken(await open(new URL(`memory://${uniqueName("series")}`)), defect);
      dir = await mkdtemp(join(tmpdir(), "switchyard-mutant-"));
      return broken(await open(pathToFileURL(join(dir, "points.ndjson"))), defect);
    },
    cleanup: async () => {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

const mutant = (name: string, defect: SeriesDefect, file = false): Mutant => ({
  name: `time series: ${name}`,
  suite: () => anySuite(timeSeriesSuite(seriesHarness(defect, file))),
});

/** Broken embedded time-series drivers, one defect each. */
export const TIME_SERIES_MUTANTS: Mutant[] = [
  mutant("drops one point of every write", (d) => ({
    write: (points, signal) => d.write(points.slice(0, -1), signal),
  })),
  mutant("shifts times by a millisecond", (d) => ({
    write: (points, signal) =>
      d.write(
        points.map((p) => ({ ...p, time: p.time + 1 })),
        signal,
      ),
  })),
  mutant("turns numbers into text", (d) => ({
    write: (points, signal) =>
      d.write(
        points.map((p) => ({
          ...p,
          fields: Object.fromEntries(Object.entries(p.fields).map(([k, v]) => [k, String(v)])),
        })),
        signal,
      ),
  })),
  mutant("has no query()", () => ({ drop: "query" })),
  mutant("refuses a batch of exactly maxBatch", (d) => ({
    write: (points, signal) =>
      points.length >= d.capabilities.maxBatch
        ? Promise.reject(new SwitchyardError("InvalidArgument", "too many"))
        : d.write(points, signal),
  })),
  mutant("fails on an empty write", (d) => ({
    write: (points, signal) =>
      points.length === 0
        ? Promise.reject(new SwitchyardError("InvalidArgument", "no points"))
        : d.write(points, signal),
  })),
  mutant("classifies nothing", () => ({ errorCode: () => "Unknown" })),
  mutant("as() returns nothing", () => ({ as: () => undefined }), true),
  mutant("keeps answering after close", () => ({ close: async () => undefined })),
];
