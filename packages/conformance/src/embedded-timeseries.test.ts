import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileTimeSeries } from "../../core/src/embedded/file-timeseries.js";
import { memoryTimeSeries } from "../../core/src/embedded/memory-timeseries.js";
import { uniqueName } from "./fixtures.js";
import { runTimeSeriesConformance } from "./time-series.js";

runTimeSeriesConformance({
  name: "memory",
  query: true,
  create: async () => memoryTimeSeries(uniqueName("series")),
});

let dir: string | undefined;
runTimeSeriesConformance({
  name: "file",
  query: true,
  create: async () => {
    dir = await mkdtemp(join(tmpdir(), "switchyard-series-"));
    return fileTimeSeries(join(dir, "points.ndjson"));
  },
  cleanup: async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  },
});
