import { mkdtemp, rm } from "node:fs/promises";
import { WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { embedded } from "@switchyard/core";
import type { TimeSeriesDriver } from "@switchyard/core/driver";
import { uniqueName } from "./fixtures.js";
import { runTimeSeriesConformance } from "./time-series.js";

const handler = (scheme: string) =>
  embedded().schemes.find((s) => s.kind === "timeseries" && s.scheme === scheme)!;
const open = async (url: URL) =>
  (await handler(url.protocol.slice(0, -1)).create(url, {
    name: "conformance",
    baseDir: process.cwd(),
  })) as TimeSeriesDriver;

runTimeSeriesConformance({
  name: "memory://",
  query: true,
  client: null,
  probe: true,
  create: () => open(new URL(`memory://${uniqueName("series")}`)),
});

let dir: string | undefined;
runTimeSeriesConformance({
  name: "file:",
  query: true,
  client: WriteStream,
  probe: true,
  create: async () => {
    dir = await mkdtemp(join(tmpdir(), "switchyard-series-"));
    return open(pathToFileURL(join(dir, "points.ndjson")));
  },
  cleanup: async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  },
});
