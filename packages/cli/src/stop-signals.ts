/** What a run's stop trigger exposes: its signal and a way to detach the process handlers. */
export interface StopSignals {
  /** Aborted on the first SIGINT/SIGTERM, or when `parent` aborts. */
  signal: AbortSignal;
  /** Removes the process signal handlers. */
  detach(): void;
}

/**
 * How long after the first signal another one still counts as the same: a
 * signal sent to a process group reaches the command both directly and through
 * a wrapper that relays it (tsx, npm run), a few milliseconds apart.
 */
export const SAME_SIGNAL_WINDOW_MS = 1000;

/** Options of {@link stopOnSignals}. */
export interface StopSignalOptions {
  /** Aborts the stop signal too (a caller's own stop). */
  parent?: AbortSignal | undefined;
  /** Whether a live stats line may hold the cursor: the message then starts on a line of its own. */
  liveLine?: boolean;
  /**
   * The environment: under `npx` or `npm run` (`npm_command` is set) the run also
   * stops when that wrapper exits, since npm does not pass a SIGTERM it gets on.
   */
  env?: Record<string, string | undefined>;
}

/** How often the parent process is checked when running under npm, ms. */
const PARENT_CHECK_MS = 500;

/**
 * Turns SIGINT/SIGTERM into a graceful stop from the moment the command starts
 * (before the pipeline is running, a signal must not kill the process with
 * resources half open). A second signal, sent at least {@link SAME_SIGNAL_WINDOW_MS}
 * after the first, exits at once with 130: in-flight work is abandoned and, never
 * committed, redelivered on restart.
 */
export function stopOnSignals(warn: (message: string) => void, options: StopSignalOptions = {}): StopSignals {
  const controller = new AbortController();
  const caller = options.parent;
  if (caller !== undefined) {
    if (caller.aborted) controller.abort();
    else caller.addEventListener("abort", () => controller.abort(), { once: true });
  }
  const lead = options.liveLine === true ? "\n" : "";
  let firstAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (firstAt > 0 && Date.now() - firstAt < SAME_SIGNAL_WINDOW_MS) return;
    if (controller.signal.aborted && firstAt > 0) {
      warn(`${lead}${signal} again — abandoning in-flight work; it is redelivered on restart\n`);
      process.exit(130);
    }
    firstAt = Date.now();
    warn(
      `${lead}${signal} — draining in-flight batches, flushing sinks and committing (send again to abandon)\n`,
    );
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  // npm exec sends a SIGTERM it receives to its shell, which ends without passing it on:
  // the run, left an orphan, sees its parent change and stops as if it had the signal.
  const parent = options.env?.npm_command === undefined ? undefined : process.ppid;
  const watch =
    parent === undefined
      ? undefined
      : setInterval(() => {
          if (process.ppid === parent || controller.signal.aborted) return;
          clearInterval(watch);
          warn(`${lead}the npm process that started this run exited — stopping as on SIGTERM\n`);
          firstAt = Date.now();
          controller.abort();
        }, PARENT_CHECK_MS);
  watch?.unref();
  return {
    signal: controller.signal,
    detach: () => {
      clearInterval(watch);
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
