/**
 * What a soak leaves in docs/soak/: `<name>.json` (settings, verdict, every
 * sample), `<name>.csv` (one row per sample) and `<name>.svg` (the plot, which
 * `npm run soak -- --replot docs/soak/<name>.json` draws again from the JSON).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { plotSoak } from "./plot.js";
import type { ProcessSample } from "./sampler.js";
import type { PipelinePoint } from "./scorer-process.js";
import type { SoakBounds, SoakVerdict } from "./verdict.js";

/** Everything a soak run measured, as written to `<name>.json` (with the machine it ran on). */
export interface SoakReport {
  command: string;
  /** When the soak started, ISO 8601. */
  date: string;
  minutes: number;
  /** Records published per second. */
  rate: number;
  /** Records published in all. */
  produced: number;
  bounds: SoakBounds;
  verdict: SoakVerdict;
  /** The scorer process's own samples. */
  samples: ProcessSample[];
  /** The scorer's pipeline metrics, read at the same interval. */
  pipeline: PipelinePoint[];
}

/** Writes the report's three files into `dir`; resolves with their paths. */
export async function writeSoakReport(dir: string, name: string, report: SoakReport): Promise<string[]> {
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    arch: arch(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const json = join(dir, `${name}.json`);
  const csv = join(dir, `${name}.csv`);
  const svg = join(dir, `${name}.svg`);
  // Formatted as the repository's Prettier check wants it, so a committed report passes lint.
  const options = { ...(await resolveConfig(json)), parser: "json" };
  writeFileSync(json, await format(JSON.stringify({ ...report, machine }), options));
  writeFileSync(csv, toCsv(report.samples));
  writeFileSync(svg, await plotSoak(report.samples, report.pipeline, report.bounds.warmupMs));
  return [json, csv, svg];
}

/** Draws `<name>.svg` again from `<name>.json` (after a change to the plot); resolves with its path. */
export async function replotSoakReport(json: string): Promise<string> {
  const report = JSON.parse(readFileSync(json, "utf8")) as SoakReport;
  const svg = json.replace(/\.json$/, ".svg");
  writeFileSync(svg, await plotSoak(report.samples, report.pipeline, report.bounds.warmupMs));
  return svg;
}

function toCsv(samples: readonly ProcessSample[]): string {
  const t0 = samples[0]?.t ?? 0;
  const header =
    "seconds,rss_mb,heap_used_mb,heap_total_mb,external_mb,eld_p50_ms,eld_p99_ms,eld_max_ms,handles,sockets";
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const rows = samples.map((s) =>
    [
      ((s.t - t0) / 1000).toFixed(0),
      mb(s.rss),
      mb(s.heapUsed),
      mb(s.heapTotal),
      mb(s.external),
      s.eldP50Ms,
      s.eldP99Ms,
      s.eldMaxMs,
      s.handles,
      s.sockets,
    ].join(","),
  );
  return `${[header, ...rows].join("\n")}\n`;
}
