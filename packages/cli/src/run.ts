import { SwitchyardError, formatStats, run } from "@switchyard/core";
import type { ResourceResolver, RunSummary, Stats } from "@switchyard/core";
import { intOption, parseCommandArgs, stringOption } from "./args.js";
import type { ParsedArgs } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { withDeadline } from "./deadline.js";
import { loadPipeline } from "./pipeline-module.js";
import { createLogger, logOptions } from "./log.js";
import type { Logger } from "./log.js";
import { metricsAddress, otlpFromEnv, startObservability } from "./observability.js";
import { PROFILE_OPTIONS, openProfile } from "./profile.js";
import { RUN_USAGE } from "./run-usage.js";
import { stopOnSignals } from "./stop-signals.js";

/** Exit code of `switchyard run` when a resource did not open or answer at startup. */
export const EXIT_STARTUP_FAILED = 3;

/** How long closing the profile's connections may take at exit, ms; a back end that is down cannot hold the exit. */
const CLOSE_TIMEOUT_MS = 5000;

async function runPipeline(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    ...PROFILE_OPTIONS,
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    "startup-timeout": { type: "string" },
    "drain-timeout": { type: "string" },
    "max-dead-letter-ratio": { type: "string" },
    "metrics-port": { type: "string" },
    otlp: { type: "boolean" },
    "log-level": { type: "string" },
    "log-format": { type: "string" },
  });
  if (parsed.values.help === true) {
    io.stdout(`${RUN_USAGE}\n`);
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
  const metrics = metricsAddress(stringOption(parsed, "metrics-port"));
  const otlp = parsed.values.otlp === true || otlpFromEnv(io.env);
  const { level, format } = logOptions(stringOption(parsed, "log-level"), stringOption(parsed, "log-format"));
  const logger = createLogger(level, format, (text) => io.stderr(text));

  const quiet = parsed.values.quiet === true || level === "error" || level === "warn";
  // The live stats line is written to the process's stderr, in place when it is a terminal.
  const liveLine = !quiet && format === "text" && process.stderr.isTTY;
  const stop = stopOnSignals((text) => logger.log("warn", text), {
    parent: io.signal,
    liveLine,
    env: io.env,
  });
  try {
    const { loaded, resolver } = await openProfile(parsed, io);
    let observability: Awaited<ReturnType<typeof startObservability>> = undefined;
    // Startup is the span from run() to the source subscribed: a failure there exits 3.
    let starting = false;
    let started = false;
    try {
      const pipeline = await loadPipeline(module, io.cwd);
      if (stop.signal.aborted) return 130;
      observability = await startObservability({
        metricsPort: metrics?.port,
        metricsHost: metrics?.host,
        otlp,
        serviceName: pipeline.name,
        env: io.env,
      });
      const where = observability?.metricsUrl === undefined ? "" : `; metrics on ${observability.metricsUrl}`;
      logger.log(
        "info",
        `${pipeline.name}: running on profile "${loaded.profile}" (${loaded.file})${where}`,
        {
          pipeline: pipeline.name,
          profile: loaded.profile,
        },
      );
      starting = true;
      const running = run(pipeline, {
        resolver,
        signal: stop.signal,
        stats: quiet ? "off" : format === "json" ? statsLog(logger, pipeline.name) : "auto",
        warn: (message) => logger.log("warn", `${pipeline.name}: ${message}`, { pipeline: pipeline.name }),
        startupTimeoutMs,
        drainTimeoutMs,
        ...(maxDeadLetterRatio === undefined ? {} : { maxDeadLetterRatio }),
      });
      // A pipeline waiting on an in-process memory:// stream holds no I/O handle; without
      // this, Node would consider the process finished and exit under it.
      const keepAlive = setInterval(() => undefined, 60_000);
      void running.ready.then(() => (started = true)).catch(() => undefined);
      const summary = await running.done.finally(() => clearInterval(keepAlive));
      logger.log("info", `${pipeline.name}: stopped — ${summaryLine(summary)}`, { summary });
      if (json) io.stdout(`${JSON.stringify({ ...summary, profile: loaded.profile })}\n`);
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const message = err instanceof SwitchyardError ? `${err.code}: ${err.message}` : String(err);
      const code = starting && !started && !isConfigError(err) ? EXIT_STARTUP_FAILED : 1;
      logger.log("error", `switchyard run: ${message}`, { error: errorJson(err), exitCode: code });
      if (io.env.SWITCHYARD_DEBUG !== undefined && err instanceof Error) io.stderr(`${err.stack ?? ""}\n`);
      if (json)
        io.stdout(`${JSON.stringify({ error: errorJson(err), exitCode: code, profile: loaded.profile })}\n`);
      return code;
    } finally {
      await observability?.shutdown();
      await closeWithin(resolver, io);
    }
  } finally {
    stop.detach();
  }
}

/** Stats as a JSON log line every 5 s, for `--log-format json`. */
function statsLog(logger: Logger, pipeline: string): (stats: Stats) => void {
  let last = 0;
  return (stats) => {
    if (Date.now() - last < 5000) return;
    last = Date.now();
    logger.log("info", formatStats(pipeline, stats), { pipeline, stats });
  };
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
  usage: RUN_USAGE,
  run: runPipeline,
};
