import type { Environment, SwitchyardConfig } from "@switchyard/core";
import { DEMO_RUN_PREFIX, runEnvironment } from "../run-name.js";
import { engineOf } from "./engine.js";
import type { RunResource } from "./resources.js";
import { runResources, schemeOf, sharedResources } from "./resources.js";

/** Where one demo run writes, and what it found there before starting. */
export interface RunPlan {
  /** The run's name, carried by every topic, stream, key prefix and file it writes. */
  runName: string;
  /** The profile's persistent resources for this run. */
  resources: RunResource[];
  /** What the report says before the run: where it writes, and how to remove it. */
  lines: string[];
  /** Data the run's names already hold, resources every run shares, schemes the demo cannot look into. */
  warnings: string[];
}

/** Options of {@link planRun} and {@link cleanRuns}. */
export interface RunPlanOptions {
  /** The example's config. */
  config: SwitchyardConfig;
  /** The profile to run on. */
  profile: string;
  /** Variables the config's `${...}` read (without the run name). */
  env: Environment;
  /** Directory relative `file:` paths resolve against. */
  baseDir: string;
}

/**
 * Says what a run of the demo will write where (topics, streams, key prefix,
 * files), and warns when its `source.stream` already holds records, the
 * pipeline's `source.group` has a committed position on it, its state already holds keys, or a
 * resource's name does not carry the run name (so every run shares it).
 */
export async function planRun(
  options: RunPlanOptions,
  runName: string,
  source: { stream: string; group: string },
): Promise<RunPlan> {
  const { config, profile } = options;
  const env = runEnvironment(options.env, runName);
  const resources = runResources(config, profile, env);
  const shared = new Set(sharedResources(config, profile, options.env).map((r) => `${r.kind}/${r.name}`));
  const width = Math.max(0, ...resources.map((r) => r.name.length));
  const lines = [
    resources.length === 0
      ? `run ${runName} on "${profile}": every resource is in this process and ends with it`
      : `run ${runName} on "${profile}" writes to:`,
    ...resources.map((r) => `  ${r.name.padEnd(width)}  ${r.shown}`),
  ];
  if (resources.length > 0) {
    lines.push(`  remove this and earlier runs with: npm run demo -- --clean --profile ${profile}`);
  }
  // Looked into side by side, so a server that does not answer costs one timeout, not one per resource.
  const found = await Promise.all(resources.map((resource) => inspect(resource, shared, options, source)));
  const warnings = found.flat();
  return { runName, resources, lines, warnings };
}

/** The warnings about one resource of a run (see {@link planRun}). */
async function inspect(
  resource: RunResource,
  shared: ReadonlySet<string>,
  options: RunPlanOptions,
  source: { stream: string; group: string },
): Promise<string[]> {
  const warnings: string[] = [];
  if (shared.has(`${resource.kind}/${resource.name}`)) {
    warnings.push(`${resource.name} is shared by every run: its name does not carry \${FRAUD_RUN}`);
  }
  const engine = await engineOf(resource);
  if (engine === undefined) {
    warnings.push(
      `${resource.name} not checked for earlier data: no check for ${schemeOf(resource.url)} here`,
    );
    return warnings;
  }
  const group = resource.kind === "stream" && resource.name === source.stream ? source.group : undefined;
  try {
    warnings.push(...(await engine.inspect(resource, options.baseDir, group)));
  } catch (err) {
    // The run itself then fails on the same server with the adapter's own message, naming the fix.
    warnings.push(`${resource.name} not checked for earlier data: ${(err as Error).message}`);
  }
  return warnings;
}

/**
 * Removes what demo runs left on the profile's engines: every topic, stream,
 * state key and file whose name carries a run name matching `pattern` (a `*`
 * glob; by default every demo run). Resources every run shares are left
 * alone. Resolves with one line per thing removed or left.
 */
export async function cleanRuns(options: RunPlanOptions, pattern = `${DEMO_RUN_PREFIX}*`): Promise<string[]> {
  const { config, profile, baseDir } = options;
  const shared = new Set(sharedResources(config, profile, options.env).map((r) => `${r.kind}/${r.name}`));
  const report: string[] = [];
  for (const resource of runResources(config, profile, runEnvironment(options.env, pattern))) {
    if (shared.has(`${resource.kind}/${resource.name}`)) continue;
    const engine = await engineOf(resource);
    if (engine === undefined) {
      report.push(
        `left ${resource.shown}: no clean-up for ${schemeOf(resource.url)} here — remove it with the service's tools`,
      );
      continue;
    }
    report.push(...(await engine.remove(resource, baseDir)).map((what) => `removed ${what}`));
  }
  return report;
}
