import { SwitchyardError } from "../errors.js";
import type { Point } from "../driver/timeseries.js";

/** Most points one `write` of an embedded time-series driver takes. */
export const EMBEDDED_TIMESERIES_MAX_BATCH = 10_000;

/**
 * Refuses a batch with a point that would not read back as written: an empty
 * measurement, a time that is not a finite number, a non-string tag, or a field
 * that is not a finite number, a string or a boolean (JSON would turn NaN into null).
 */
export function checkPoints(points: readonly Point[], sink: string): void {
  if (points.length > EMBEDDED_TIMESERIES_MAX_BATCH) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${sink}: ${points.length} points in one write; the limit is ${EMBEDDED_TIMESERIES_MAX_BATCH}`,
    );
  }
  for (let i = 0; i < points.length; i++) {
    const problem = pointProblem(points[i]!);
    if (problem !== undefined) throw new SwitchyardError("InvalidArgument", `${sink}: point ${i} ${problem}`);
  }
}

function pointProblem(point: Point): string | undefined {
  if (typeof point.measurement !== "string" || point.measurement === "") return "has no measurement";
  if (!Number.isFinite(point.time)) return `has time ${String(point.time)}; use ms since the epoch`;
  for (const name in point.tags) {
    if (typeof point.tags[name] !== "string") return `has tag "${name}" that is not a string`;
  }
  for (const name in point.fields) {
    const value = point.fields[name];
    const ok =
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value));
    if (!ok) return `has field "${name}" = ${String(value)}; fields are finite numbers, strings or booleans`;
  }
  return undefined;
}

/** Whether a point belongs to a query for `measurement` over [from, to). */
export function inRange(point: Point, measurement: string, from: number, to: number): boolean {
  return point.measurement === measurement && point.time >= from && point.time < to;
}
