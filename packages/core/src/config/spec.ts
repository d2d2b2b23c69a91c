import { SwitchyardError } from "../errors.js";
import type { ResourceSpec, ResourceUrlSpec } from "./types.js";

/** Whether a spec is a driver built by hand (it declares `capabilities`) rather than a URL. */
export function isDriverInstance(spec: ResourceSpec): boolean {
  return typeof spec === "object" && spec !== null && "capabilities" in spec;
}

/**
 * The URL and injected client of a URL spec; InvalidArgument naming `where` when
 * the spec is neither a string, `{ url, client? }` nor a driver.
 */
export function urlOfSpec(spec: ResourceSpec, where: string): ResourceUrlSpec {
  if (typeof spec === "string") return { url: spec };
  if (
    typeof spec === "object" &&
    spec !== null &&
    typeof (spec as Partial<ResourceUrlSpec>).url === "string"
  ) {
    return spec as ResourceUrlSpec;
  }
  throw new SwitchyardError(
    "InvalidArgument",
    `${where} must be a URL string, { url, client? } or a driver instance — got ${describeValue(spec)}`,
  );
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object with keys ${Object.keys(value).join(", ") || "(none)"}`;
  return typeof value;
}
