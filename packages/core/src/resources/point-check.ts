import type { Point } from "../driver/index.js";

/** What is wrong with a time-series point, in words that finish "point N …"; `undefined` when it is well-formed. */
export function pointProblem(point: Point): string | undefined {
  if (typeof point !== "object" || point === null) return "is not an object";
  if (typeof point.measurement !== "string" || point.measurement.length === 0)
    return "has no measurement name";
  if (typeof point.time !== "number" || !Number.isFinite(point.time)) {
    return `has time ${String(point.time)}; pass milliseconds since the epoch`;
  }
  if (typeof point.tags !== "object" || point.tags === null) return "has no tags object; pass {} for none";
  for (const [name, value] of Object.entries(point.tags)) {
    if (typeof value !== "string") return `has tag "${name}" that is a ${typeof value}; tags are strings`;
  }
  if (typeof point.fields !== "object" || point.fields === null || Object.keys(point.fields).length === 0) {
    return "has no fields; a point needs at least one";
  }
  for (const [name, value] of Object.entries(point.fields)) {
    const ok =
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value));
    if (!ok) return `has field "${name}" = ${String(value)}; fields are finite numbers, strings or booleans`;
  }
  return undefined;
}
