/**
 * The soak's plot: four panels over the minutes of the run — the scorer's
 * memory (RSS, heap used, the heap's per-minute floor that the verdict judges), its event-loop delay (p50, p99 per interval), its
 * handles and sockets, and the records it finished per second — specified in
 * Vega-Lite and rendered to SVG by Vega, headless.
 */
import { View, parse } from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import type { ProcessSample } from "./sampler.js";
import type { PipelinePoint } from "./scorer-process.js";
import { perMinuteFloor } from "./verdict.js";

interface Row {
  minute: number;
  panel: string;
  series: string;
  value: number;
}

const PANELS = [
  "memory, MB",
  "event-loop delay, ms",
  "handles and sockets",
  "records finished per second",
] as const;

/** Renders the samples as an SVG document; a dashed rule marks the end of the warm-up. */
export async function plotSoak(
  samples: readonly ProcessSample[],
  pipeline: readonly PipelinePoint[],
  warmupMs: number,
): Promise<string> {
  const t0 = samples[0]?.t ?? 0;
  const minute = (t: number) => Math.round(((t - t0) / 60_000) * 100) / 100;
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const rows: Row[] = [];
  const add = (t: number, panel: (typeof PANELS)[number], series: string, value: number) =>
    rows.push({ minute: minute(t), panel, series, value });
  for (const s of samples) {
    add(s.t, "memory, MB", "RSS", mb(s.rss));
    add(s.t, "memory, MB", "heap used", mb(s.heapUsed));
    add(s.t, "event-loop delay, ms", "p50", s.eldP50Ms);
    add(s.t, "event-loop delay, ms", "p99", s.eldP99Ms);
    add(s.t, "handles and sockets", "handles", s.handles);
    add(s.t, "handles and sockets", "sockets", s.sockets);
  }
  if (samples.length > 0) {
    for (const floor of perMinuteFloor(samples))
      add(floor.t, "memory, MB", "heap floor (judged)", mb(floor.v));
  }
  for (let i = 1; i < pipeline.length; i++) {
    const [before, after] = [pipeline[i - 1]!, pipeline[i]!];
    const perSecond = ((after.processed - before.processed) * 1000) / (after.t - before.t);
    add(after.t, "records finished per second", "records/s", Math.round(perSecond));
  }
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "switchyard soak: fraud scorer on Kafka + Redis",
    data: { values: rows },
    vconcat: PANELS.map((panel) => ({
      width: 640,
      height: 130,
      title: { text: panel, anchor: "start", fontSize: 12 },
      layer: [
        {
          transform: [{ filter: { field: "panel", equal: panel } }],
          mark: { type: "line", strokeWidth: 1.2 },
          encoding: {
            x: { field: "minute", type: "quantitative", title: "minutes since the scorer started" },
            y: { field: "value", type: "quantitative", title: null },
            color: { field: "series", type: "nominal", title: null },
          },
        },
        {
          data: { values: [{ minute: minute(t0 + warmupMs) }] },
          mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
          encoding: { x: { field: "minute", type: "quantitative" } },
        },
      ],
    })),
    resolve: { scale: { x: "shared", color: "independent" } },
  };
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}
