import { intOption, parseCommandArgs, stringOption } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { withDeadline } from "./deadline.js";
import { checkPipeline, checkProfile } from "./doctor-checks.js";
import type { ResourceCheck } from "./doctor-checks.js";
import { loadPipeline } from "./pipeline-module.js";
import { PROFILE_OPTIONS, PROFILE_OPTIONS_HELP, openProfile } from "./profile.js";

const DEFAULT_TIMEOUT_MS = 5000;

const USAGE = `Usage: switchyard doctor [options]

Checks every resource of a profile: opens it, asks it whether it is reachable,
and prints one line per resource with its URL (secrets masked). With --pipeline,
also checks that every stream, state store, model and time-series sink the
pipeline names is in the profile, and that the source and stores support what the
pipeline's options ask for. Exits with 1 when anything fails.

Options:
${PROFILE_OPTIONS_HELP}
      --pipeline <file>  also check what this pipeline module needs
      --timeout <ms>     how long each resource may take to answer (default ${DEFAULT_TIMEOUT_MS})
  -h, --help             show this help

Example:
  switchyard doctor --profile kafka --pipeline ./src/fraud.ts`;

const mark = (ok: boolean) => (ok ? "✓" : "✗");

/** Aligns the resource lines in columns: mark, kind, name, URL, detail. */
function formatResources(checks: readonly ResourceCheck[]): string {
  const width = (pick: (c: ResourceCheck) => string) => Math.max(0, ...checks.map((c) => pick(c).length));
  const kindWidth = width((c) => c.kind);
  const nameWidth = width((c) => c.name);
  const urlWidth = width((c) => c.url);
  return checks
    .map((c) =>
      `${mark(c.ok)} ${c.kind.padEnd(kindWidth)}  ${c.name.padEnd(nameWidth)}  ${c.url.padEnd(urlWidth)}  ${c.detail}`.trimEnd(),
    )
    .join("\n");
}

async function doctor(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    ...PROFILE_OPTIONS,
    pipeline: { type: "string" },
    timeout: { type: "string" },
  });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const timeoutMs = intOption(parsed, "timeout", DEFAULT_TIMEOUT_MS);
  const pipelineFile = stringOption(parsed, "pipeline");

  const { loaded, resolver } = await openProfile(parsed, io);
  try {
    const pipeline = pipelineFile === undefined ? undefined : await loadPipeline(pipelineFile, io.cwd);
    io.stdout(`profile "${loaded.profile}" from ${loaded.file}\n`);
    const resources = await checkProfile(resolver, timeoutMs);
    if (resources.length === 0) io.stdout(`(profile "${loaded.profile}" defines no resources)\n`);
    else io.stdout(`${formatResources(resources)}\n`);
    let ok = resources.every((c) => c.ok);

    if (pipeline !== undefined) {
      io.stdout(`\npipeline "${pipeline.name}":\n`);
      const needs = checkPipeline(pipeline, resolver, resources);
      for (const need of needs) io.stdout(`${mark(need.ok)} ${need.text}\n`);
      if (pipeline.steps.some((step) => step.kind === "enrich")) {
        io.stdout(
          "· enrich steps may use other resources of the profile; they are checked above, not per step\n",
        );
      }
      ok &&= needs.every((need) => need.ok);
    }
    io.stdout(ok ? "\nall checks passed\n" : "\nsome checks failed\n");
    return ok ? 0 : 1;
  } finally {
    // A resource that never answered may never close either; do not hang on it.
    await withDeadline(resolver.close(), AbortSignal.timeout(timeoutMs), timeoutMs).catch((err: unknown) => {
      io.stderr(`closing resources: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }
}

/** `switchyard doctor`: checks that a profile's resources are reachable and that a pipeline's needs are met. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "check that a profile's resources are reachable (and what a pipeline needs)",
  usage: USAGE,
  run: doctor,
};
