/** What a run's stop trigger exposes: its signal and a way to detach the process handlers. */
export interface StopSignals {
  /** Aborted on the first SIGINT/SIGTERM, or when `parent` aborts. */
  signal: AbortSignal;
  /** Removes the process signal handlers. */
  detach(): void;
}

/**
 * Turns SIGINT/SIGTERM into a graceful stop from the moment the command starts
 * (before the pipeline is running, a signal must not kill the process with
 * resources half open). A second signal exits at once with 130: in-flight work is
 * abandoned and, never committed, redelivered on restart.
 */
export function stopOnSignals(warn: (message: string) => void, parent?: AbortSignal): StopSignals {
  const controller = new AbortController();
  if (parent !== undefined) {
    if (parent.aborted) controller.abort();
    else parent.addEventListener("abort", () => controller.abort(), { once: true });
  }
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      warn(`${signal} again — abandoning in-flight work; it is redelivered on restart\n`);
      process.exit(130);
    }
    warn(`${signal} — draining in-flight batches, flushing sinks and committing (send again to abandon)\n`);
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    detach: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
