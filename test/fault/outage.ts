/**
 * Taking a server away mid-run and bringing it back: killed as a crash or an
 * OOM kill would (SIGKILL to its whole process group, no shutdown of its own),
 * kept down a while, then started again on the same port and data.
 */
import type { ServiceProcess } from "../harness/processes.js";

/** How long an outage lasted, ms. */
export interface OutageTimes {
  /** How long the server was down, from the kill until the new process answered. */
  downMs: number;
  /** How long the new process took to answer once started. */
  restartMs: number;
}

/** Kills the server's process group with SIGKILL and waits until every process of it is gone. */
export async function killServer(server: ServiceProcess): Promise<void> {
  // A process that never started has no group (pid -1): there is nothing to signal.
  if (server.pid > 0 && server.running()) {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  await server.stop(1000);
}

/**
 * Kills `server` (or, with `graceful`, stops it with SIGTERM, so that it saves
 * what it holds in memory first), waits `downMs`, and starts it again with
 * `launch` (which must resolve once the new process answers). Resolves with
 * the new process.
 */
export async function restartServer(
  server: ServiceProcess,
  downMs: number,
  launch: () => Promise<ServiceProcess>,
  { graceful = false }: { graceful?: boolean } = {},
): Promise<{ server: ServiceProcess; times: OutageTimes }> {
  const killedAt = Date.now();
  await (graceful ? server.stop(5000) : killServer(server));
  await new Promise((resolve) => setTimeout(resolve, downMs));
  const startedAt = Date.now();
  const next = await launch();
  const now = Date.now();
  return { server: next, times: { downMs: now - killedAt, restartMs: now - startedAt } };
}

/** Waits for `work` at most `ms`; what it does after that, or how it fails, no longer matters (cleanup). */
export async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      overdue,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
