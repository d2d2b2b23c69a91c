import { interpolateEnv, redactUrl } from "@switchyard/core";
import type { Environment, SwitchyardConfig } from "@switchyard/core";
import { RUN_VARIABLE } from "../run-name.js";

/** A kind of resource that holds data between runs (models hold none). */
export type DataKind = "stream" | "state" | "timeseries";

/** One stream, state store or time series of a profile, with its URL for one run. */
export interface RunResource {
  /** What kind of resource it is. */
  kind: DataKind;
  /** Its name in the config (`transactions`, `features` ...). */
  name: string;
  /** The URL with `${...}` filled in, as written (`file:` paths stay relative); may hold secrets, so never printed. */
  url: string;
  /** The URL safe to print (secrets masked). */
  shown: string;
}

const SECTIONS = { stream: "streams", state: "state", timeseries: "timeseries" } as const;

/** Schemes whose data lives in the demo's own process and ends with it. */
const IN_PROCESS = new Set(["memory:"]);

/**
 * The profile's streams, state stores and time series whose data outlives the
 * process (everything but `memory://`), with `${...}` read from `env`.
 * Resources given as driver instances are left out: their names are not in
 * the config.
 */
export function runResources(config: SwitchyardConfig, profile: string, env: Environment): RunResource[] {
  const resources = config.profiles[profile];
  if (resources === undefined) return [];
  const found: RunResource[] = [];
  for (const kind of ["stream", "state", "timeseries"] as const) {
    for (const [name, spec] of Object.entries(resources[SECTIONS[kind]] ?? {})) {
      const text = typeof spec === "string" ? spec : "url" in spec ? spec.url : undefined;
      if (text === undefined) continue;
      const interpolated = interpolateEnv(text, env, `${kind} "${name}" in profile "${profile}"`);
      if (IN_PROCESS.has(schemeOf(interpolated))) continue;
      found.push({ kind, name, url: interpolated, shown: redactUrl(interpolated) });
    }
  }
  return found;
}

/**
 * The persistent resources whose URL does not change with the run name: every
 * run shares them, so a run may read what an earlier one left there.
 */
export function sharedResources(config: SwitchyardConfig, profile: string, env: Environment): RunResource[] {
  const one = runResources(config, profile, { ...env, [RUN_VARIABLE]: "run-a" });
  const other = runResources(config, profile, { ...env, [RUN_VARIABLE]: "run-b" });
  return one.filter((r, i) => other[i]?.url === r.url);
}

/** The scheme of a URL with its colon (`kafka:`), lower-cased. */
export function schemeOf(url: string): string {
  return (/^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? "").toLowerCase();
}
