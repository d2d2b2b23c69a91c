import { SwitchyardError } from "@switchyard/core";
import type { Pipeline, ResourceResolver } from "@switchyard/core";
import type { DriverByKind, ResourceKind } from "@switchyard/core/driver";
import { withDeadline } from "./deadline.js";

/** The resource kinds in the order doctor lists them. */
const KINDS: readonly ResourceKind[] = ["stream", "state", "model", "timeseries"];

/** The outcome of checking one resource of the profile. */
export interface ResourceCheck {
  /** Whether the resource opened and answered. */
  ok: boolean;
  /** Its kind. */
  kind: ResourceKind;
  /** Its name in the profile. */
  name: string;
  /** Its URL with secrets masked. */
  url: string;
  /** `reachable`, `opened`, or what went wrong. */
  detail: string;
  /** The driver, when it opened. */
  driver?: DriverByKind[ResourceKind];
}

/** One line of the pipeline section: a resource or capability the pipeline needs. */
export interface NeedCheck {
  /** Whether the need is met. */
  ok: boolean;
  /** What was checked and, when it failed, the fix. */
  text: string;
}

/** The message of an error without the `stream "x" (url):` prefix the line already shows. */
function detailOf(err: unknown, kind: ResourceKind, name: string): string {
  const code = err instanceof SwitchyardError ? `${err.code}: ` : "";
  const message = err instanceof Error ? err.message : String(err);
  const prefix = `${kind} "${name}"`;
  const trimmed = message.startsWith(prefix)
    ? message
        .slice(prefix.length)
        .replace(/^ \([^)]*\)/, "")
        .replace(/^: /, "")
    : message;
  return `${code}${trimmed}`;
}

/** Opens one resource and probes it (when the driver can), within `timeoutMs`. */
async function checkResource(
  resolver: ResourceResolver,
  kind: ResourceKind,
  name: string,
  timeoutMs: number,
): Promise<ResourceCheck> {
  const check = { kind, name, url: resolver.describe(kind, name) };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const driver = await withDeadline(resolver.open(kind, name), signal, timeoutMs);
    if (driver.probe === undefined) return { ...check, ok: true, detail: "opened", driver };
    await withDeadline(driver.probe(signal), signal, timeoutMs);
    return { ...check, ok: true, detail: "reachable", driver };
  } catch (err) {
    return { ...check, ok: false, detail: detailOf(err, kind, name) };
  }
}

/** Checks every resource of the profile at once; results in config order. */
export function checkProfile(resolver: ResourceResolver, timeoutMs: number): Promise<ResourceCheck[]> {
  const checks: Promise<ResourceCheck>[] = [];
  for (const kind of KINDS) {
    for (const name of resolver.names(kind)) checks.push(checkResource(resolver, kind, name, timeoutMs));
  }
  return Promise.all(checks);
}

/** A resource a pipeline names, and the step that names it. */
interface Need {
  kind: ResourceKind;
  name: string;
  use: string;
}

/** Every resource a pipeline names: source, dead letters and the targets of its steps. */
function needsOf(pipeline: Pipeline<unknown>): Need[] {
  const needs: Need[] = [];
  if (pipeline.source !== undefined) {
    needs.push({ kind: "stream", name: pipeline.source.stream, use: "source" });
    needs.push({
      kind: "stream",
      name: pipeline.source.options.deadLetter ?? "dead-letters",
      use: "dead letters",
    });
  }
  for (const step of pipeline.steps) {
    switch (step.kind) {
      case "to":
        needs.push({ kind: "stream", name: step.stream, use: "to" });
        break;
      case "infer":
        needs.push({ kind: "model", name: step.model, use: "infer" });
        break;
      case "record":
        needs.push({ kind: "timeseries", name: step.sink, use: "record" });
        break;
      case "store":
        needs.push({ kind: "state", name: step.state, use: "store" });
        break;
      case "map":
      case "filter":
      case "enrich":
        break;
    }
  }
  const seen = new Set<string>();
  return needs.filter((need) => {
    const key = `${need.kind}/${need.name}/${need.use}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Capabilities the pipeline's use of a resource requires, as [capability label, whether the driver has it]. */
function capabilitiesFor(
  pipeline: Pipeline<unknown>,
  need: Need,
  driver: DriverByKind[ResourceKind],
): [string, boolean][] {
  const found: [string, boolean][] = [];
  if (need.use === "source") {
    const c = (driver as DriverByKind["stream"]).capabilities;
    found.push(["consumer groups", c.groups], ["ordering", c.ordering !== "none"]);
    const start = pipeline.source?.options.start;
    if (typeof start === "object" && "timestamp" in start)
      found.push(["start from a timestamp", c.startFromTimestamp]);
    if (typeof start === "object" && "offsets" in start) found.push(["replay", c.replay]);
  }
  if (need.use === "store") {
    const wantsTtl = pipeline.steps.some(
      (s) => s.kind === "store" && s.state === need.name && s.options.ttlMs !== undefined,
    );
    if (wantsTtl) found.push(["TTL", (driver as DriverByKind["state"]).capabilities.ttl]);
  }
  return found;
}

/**
 * Checks what can be derived from a pipeline definition: every resource it names
 * is in the profile and opened, and the source and stores have the capabilities
 * its options call for.
 */
export function checkPipeline(
  pipeline: Pipeline<unknown>,
  resolver: ResourceResolver,
  resources: readonly ResourceCheck[],
): NeedCheck[] {
  if (pipeline.source === undefined) {
    return [{ ok: false, text: `pipeline "${pipeline.name}" has no source — call .from("<stream>")` }];
  }
  const lines: NeedCheck[] = [];
  for (const need of needsOf(pipeline)) {
    const label = `${need.kind} "${need.name}" (${need.use})`;
    if (!resolver.has(need.kind, need.name)) {
      const section = { stream: "streams", state: "state", model: "models", timeseries: "timeseries" }[
        need.kind
      ];
      lines.push({
        ok: false,
        text: `${label} is not in profile "${resolver.profile}" — add it under profiles.${resolver.profile}.${section}`,
      });
      continue;
    }
    const opened = resources.find((r) => r.kind === need.kind && r.name === need.name);
    if (opened?.driver === undefined) {
      lines.push({ ok: false, text: `${label} is in the profile but did not open (see above)` });
      continue;
    }
    lines.push({ ok: true, text: `${label} is in the profile` });
    for (const [capability, has] of capabilitiesFor(pipeline, need, opened.driver)) {
      lines.push({
        ok: has,
        text: has
          ? `${label} supports ${capability}`
          : `${label} lacks ${capability} — choose an adapter that supports it`,
      });
    }
  }
  return lines;
}
