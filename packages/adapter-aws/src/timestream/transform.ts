/**
 * Points as Timestream records: tags become dimensions, fields one
 * multi-measure record named after the point's measurement, times in
 * milliseconds (set once per call as a common attribute).
 */
import type { MeasureValue, MeasureValueType, _Record } from "@aws-sdk/client-timestream-write";
import type { Point } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";

function measureType(value: number | string | boolean): MeasureValueType {
  if (typeof value === "boolean") return "BOOLEAN";
  return typeof value === "number" ? "DOUBLE" : "VARCHAR";
}

/** The Timestream record of one point. */
export function toRecord(point: Point): _Record {
  const fields = Object.entries(point.fields);
  if (fields.length === 0) {
    throw new SwitchyardError(
      "InvalidArgument",
      `point of "${point.measurement}" has no fields — give it at least one`,
    );
  }
  for (const [name, value] of fields) {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new SwitchyardError(
        "InvalidArgument",
        `field "${name}" of "${point.measurement}" is ${value}: Timestream takes finite numbers`,
      );
    }
  }
  const measures: MeasureValue[] = fields.map(([name, value]) => ({
    Name: name,
    Value: String(value),
    Type: measureType(value),
  }));
  return {
    Dimensions: Object.entries(point.tags).map(([name, value]) => ({ Name: name, Value: value })),
    MeasureName: point.measurement,
    MeasureValueType: "MULTI",
    MeasureValues: measures,
    Time: String(Math.trunc(point.time)),
  };
}

/** The reasons Timestream gave for rejected records, as one message line. */
export function rejectionMessage(
  target: string,
  rejected: readonly { RecordIndex?: number; Reason?: string }[],
  total: number,
): string {
  const reasons = rejected
    .slice(0, 5)
    .map((r) => `#${r.RecordIndex ?? "?"}: ${r.Reason ?? "no reason given"}`)
    .join("; ");
  return `timestream ${target}: ${rejected.length} of ${total} records rejected (${reasons}${rejected.length > 5 ? "; …" : ""})`;
}
