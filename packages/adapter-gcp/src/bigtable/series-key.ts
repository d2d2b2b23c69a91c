import type { Point } from "@switchyard/core/driver";

/** Digits of a reversed millisecond timestamp: enough for any time before the year 2286. */
const TIME_DIGITS = 13;
const TIME_CEILING = 10 ** TIME_DIGITS - 1;

/** Escapes the key's separators (`#`, `,`, `=`) and `%` in a measurement, tag name or tag value. */
function escape(text: string): string {
  return text.replace(/[%#,=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

function unescape(text: string): string {
  return text.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The row-key prefix every series of a measurement shares: `measurement#`. */
export function measurementPrefix(measurement: string): string {
  return `${escape(measurement)}#`;
}

/**
 * A point's row key: `measurement#tag=value,…#reversed-time`, tags sorted by
 * name. One series is one contiguous key range, newest point first, so "the
 * latest points of a series" is a short prefix scan; the measurement leads so
 * all its series sit together. See docs/decisions/1802-bigtable-time-series-rows.md.
 */
export function seriesRowKey(point: Point): string {
  const tags = Object.keys(point.tags)
    .sort()
    .map((name) => `${escape(name)}=${escape(point.tags[name]!)}`)
    .join(",");
  const reversed = String(TIME_CEILING - Math.floor(point.time)).padStart(TIME_DIGITS, "0");
  return `${measurementPrefix(point.measurement)}${tags}#${reversed}`;
}

/** The measurement, tags and time a row key holds. */
export function parseSeriesRowKey(key: string): Pick<Point, "measurement" | "tags" | "time"> | undefined {
  const parts = key.split("#");
  if (parts.length !== 3) return undefined;
  const [measurement, tagText, reversed] = parts as [string, string, string];
  const tags: Record<string, string> = {};
  for (const pair of tagText === "" ? [] : tagText.split(",")) {
    const [name, value] = pair.split("=");
    if (name === undefined || value === undefined) return undefined;
    tags[unescape(name)] = unescape(value);
  }
  return { measurement: unescape(measurement), tags, time: TIME_CEILING - Number(reversed) };
}
