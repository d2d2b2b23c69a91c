import { run } from "@switchyard/core";
import { parseCommandArgs } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { loadPipeline } from "./pipeline-module.js";
import { PROFILE_OPTIONS, PROFILE_OPTIONS_HELP, openProfile } from "./profile.js";
import { stopOnSignals } from "./stop-signals.js";

const USAGE = `Usage: switchyard run <pipeline module> [options]

Runs a pipeline until SIGINT or SIGTERM, then drains in-flight batches, flushes
sinks and commits before exiting (a second signal abandons in-flight work, which
is redelivered on restart). The module's default export is the pipeline:

  // fraud.ts
  import { pipeline } from "@switchyard/core";
  export default pipeline("fraud-detection").from("transactions").to("alerts");

Options:
${PROFILE_OPTIONS_HELP}
      --quiet            no live stats line
      --json             print the run's summary as one JSON line on stdout when it stops
  -h, --help             show this help

Examples:
  switchyard run ./src/fraud.ts
  switchyard run ./src/fraud.ts --profile kafka
  SWITCHYARD_PROFILE=aws switchyard run ./dist/fraud.js --config ./deploy/switchyard.config.yaml`;

async function runPipeline(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    ...PROFILE_OPTIONS,
    quiet: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [module, ...extra] = parsed.positionals;
  if (module === undefined)
    throw new UsageError("missing the pipeline module, e.g. switchyard run ./src/pipeline.ts");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

  const stop = stopOnSignals((text) => io.stderr(text), io.signal);
  try {
    const { loaded, resolver } = await openProfile(parsed, io);
    try {
      const pipeline = await loadPipeline(module, io.cwd);
      if (stop.signal.aborted) return 130;
      io.stderr(`${pipeline.name}: running on profile "${loaded.profile}" (${loaded.file})\n`);
      const running = run(pipeline, {
        resolver,
        signal: stop.signal,
        stats: parsed.values.quiet === true ? "off" : "auto",
      });
      // A pipeline waiting on an in-process memory:// stream holds no I/O handle; without
      // this, Node would consider the process finished and exit under it.
      const keepAlive = setInterval(() => undefined, 60_000);
      const summary = await running.done.finally(() => clearInterval(keepAlive));
      if (parsed.values.json === true)
        io.stdout(`${JSON.stringify({ ...summary, profile: loaded.profile })}\n`);
      return 0;
    } finally {
      await resolver.close();
    }
  } finally {
    stop.detach();
  }
}

/** `switchyard run`: runs a pipeline module on a profile of the config. */
export const runCommand: Command = {
  name: "run",
  summary: "run a pipeline module on a profile until SIGINT/SIGTERM",
  usage: USAGE,
  run: runPipeline,
};
