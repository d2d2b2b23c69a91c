import { SwitchyardError, run } from "@switchyard/core";
import type { ResourceResolver, RunSummary } from "@switchyard/core";
import { intOption, parseCommandArgs, stringOption } from "./args.js";
import type { ParsedArgs } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { withDeadline } from "./deadline.js";
import { loadPipeline } from "./pipeline-module.js";
import { PROFILE_OPTIONS, PROFILE_OPTIONS_HELP, openProfile } from "./profile.js";
import { stopOnSignals } from "./stop-signals.js";

/** Exit code of `switchyard run` when a resource did not open or answer at startup. */
export const EXIT_STARTUP_FAILED = 3;

/** How long closing the profile's connections may take at exit, ms; a back end that is down cannot hold the exit. */
const CLOSE_TIMEOUT_MS = 5000;

const USAGE = `Usage: switchyard run <pipeline module> [options]

Runs a pipeline until SIGINT or SIGTERM, then drains in-flight batches, flushes
sinks and commits before exiting (a second signal abandons in-flight work, which
is redelivered on restart). The module's default export is the pipeline:

  // fraud.ts
  import { pipeline } from "@switchyard/core";
  export default pipeline("fraud-detection").from("transactions").to("alerts");

Every resource of the profile is opened and probed at startup, all at once; one
that does not answer within the startup timeout stops the run before it reads a
record. A stop ends within the drain timeout plus about 12 s, whatever the back
ends are doing: work not done by then is redelivered on restart.

Options:
${PROFILE_OPTIONS_HELP}
      --quiet                 no live stats line
      --json                  print the run's summary (or its error) as one JSON line on stdout
      --startup-timeout <ms>  how long opening and probing the resources may take (default 15000)
      --drain-timeout <ms>    how long a stop waits for in-flight work (default 30000)
      --max-dead-letter-ratio <share>
                              stop with exit 1 when more than this share (0–1) of the records of
                              the last 10 s went to the dead-letter stream (default: never; above
                              0.5 it warns)
  -h, --help                  show this help

Exit codes:
  0    stopped on SIGINT/SIGTERM after draining
  1    the run failed: a mistake in the config or pipeline, an error waiting cannot fix, or
       more dead letters than --max-dead-letter-ratio allows
  2    bad usage
  3    a resource of the profile did not open or answer at startup (unreachable, refused, missing)
  130  a second SIGINT/SIGTERM abandoned in-flight work

Examples:
  switchyard run ./src/fraud.ts
  switchyard run ./src/fraud.ts --profile kafka
  SWITCHYARD_PROFILE=aws switchyard run ./dist/fraud.js --config ./deploy/switchyard.config.yaml`;

async function runPipeline(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    ...PROFILE_OPTIONS,
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    "startup-timeout": { type: "string" },
    "drain-timeout": { type: "string" },
    "max-dead-letter-ratio": { type: "string" },
  });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [module, ...extra] = parsed.positionals;
  if (module === undefined)
    throw new UsageError("missing the pipeline module, e.g. switchyard run ./src/pipeline.ts");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const startupTimeoutMs = intOption(parsed, "startup-timeout", 15_000);
  const drainTimeoutMs = intOption(parsed, "drain-timeout", 30_000);
  const json = parsed.values.json === true;
  const maxDeadLetterRatio = ratioOption(parsed, "max-dead-letter-ratio");

  const quiet = parsed.values.quiet === true;
  // The live stats line is written to the process's stderr, in place when it is a terminal.
  const liveLine = !quiet && process.stderr.isTTY;
  const stop = stopOnSignals((text) => io.stderr(text), { parent: io.signal, liveLine });
  try {
    const { loaded, resolver } = await openProfile(parsed, io);
    // Startup is the span from run() to the source subscribed: a failure there exits 3.
    let starting = false;
    let started = false;
    try {
      const pipeline = await loadPipeline(module, io.cwd);
      if (stop.signal.aborted) return 130;
      io.stderr(`${pipeline.name}: running on profile "${loaded.profile}" (${loaded.file})\n`);
      starting = true;
      const running = run(pipeline, {
        resolver,
        signal: stop.signal,
        stats: quiet ? "off" : "auto",
        startupTimeoutMs,
        drainTimeoutMs,
        ...(maxDeadLetterRatio === undefined ? {} : { maxDeadLetterRatio }),
      });
      // A pipeline waiting on an in-process memory:// stream holds no I/O handle; without
      // this, Node would consider the process finished and exit under it.
      const keepAlive = setInterval(() => undefined, 60_000);
      void running.ready.then(() => (started = true)).catch(() => undefined);
      const summary = await running.done.finally(() => clearInterval(keepAlive));
      io.stderr(`${pipeline.name}: stopped — ${summaryLine(summary)}\n`);
      if (json) io.stdout(`${JSON.stringify({ ...summary, profile: loaded.profile })}\n`);
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const message = err instanceof SwitchyardError ? `${err.code}: ${err.message}` : String(err);
      io.stderr(`switchyard run: ${message}\n`);
      if (io.env.SWITCHYARD_DEBUG !== undefined && err instanceof Error) io.stderr(`${err.stack ?? ""}\n`);
      const code = starting && !started && !isConfigError(err) ? EXIT_STARTUP_FAILED : 1;
      if (json)
        io.stdout(`${JSON.stringify({ error: errorJson(err), exitCode: code, profile: loaded.profile })}\n`);
      return code;
    } finally {
      await closeWithin(resolver, io);
    }
  } finally {
    stop.detach();
  }
}

/** The closing figures: records, dead letters and the rate over the busy span and over the wall time. */
function summaryLine(summary: RunSummary): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-US");
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  return (
    `${n(summary.processed)} records done (${n(summary.deadLetters)} of them dead-lettered); ` +
    `${n(summary.busyEventsPerSec)}/s over ${seconds(summary.busyMs)} s busy, ` +
    `${n(summary.eventsPerSec)}/s over ${seconds(summary.uptimeMs)} s wall time`
  );
}

/** Closes the profile's connections, waiting at most {@link CLOSE_TIMEOUT_MS}. */
async function closeWithin(resolver: ResourceResolver, io: CommandIO): Promise<void> {
  try {
    await withDeadline(resolver.close(), AbortSignal.timeout(CLOSE_TIMEOUT_MS), CLOSE_TIMEOUT_MS);
  } catch (err) {
    const message = err instanceof SwitchyardError ? `${err.code}: ${err.message}` : String(err);
    io.stderr(`switchyard run: closing the profile's resources: ${message} — exiting anyway\n`);
  }
}

/** A share between 0 and 1, or undefined when the option is absent. */
function ratioOption(parsed: ParsedArgs, name: string): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1)
    throw new UsageError(`--${name} must be a share between 0 and 1 (e.g. 0.2), got "${text}"`);
  return value;
}

/** A mistake in the config or pipeline (exit 1), as opposed to a resource that is there but did not open or answer. */
function isConfigError(err: unknown): boolean {
  return !(err instanceof SwitchyardError) || err.code === "InvalidArgument";
}

function errorJson(err: unknown): { code: string; message: string } {
  if (err instanceof SwitchyardError) return { code: err.code, message: err.message };
  return { code: "Unknown", message: err instanceof Error ? err.message : String(err) };
}

/** `switchyard run`: runs a pipeline module on a profile until SIGINT/SIGTERM. */
export const runCommand: Command = {
  name: "run",
  summary: "run a pipeline module on a profile until SIGINT/SIGTERM",
  usage: USAGE,
  run: runPipeline,
};
