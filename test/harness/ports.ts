import { connect, createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** What is awaited, for the timeout message. */
  what: string;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
  /** Pause between checks. Default 50 ms. */
  intervalMs?: number;
  /** Returns a reason to stop waiting early (e.g. the process exited), or undefined to go on. */
  failFast?: () => string | undefined;
}

/** Calls `check` until it resolves true; throws on timeout or when `failFast` gives a reason. */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const failure = options.failFast?.();
    if (failure !== undefined) throw new Error(`${options.what}: ${failure}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${options.what}: not ready after ${options.timeoutMs ?? 30_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/**
 * Opens a TCP connection to `port` on 127.0.0.1, writes `request` (if any) and
 * resolves true when the reply starts with `expect` (or, without `expect`, once
 * connected). Resolves false on any error or after `timeoutMs`.
 */
export function probeTcp(
  port: number,
  options: { request?: string; expect?: string; timeoutMs?: number } = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(options.timeoutMs ?? 1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => {
      if (options.expect === undefined) return done(true);
      if (options.request !== undefined) socket.write(options.request);
    });
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("latin1");
      const expected = options.expect ?? "";
      if (reply.length >= expected.length) done(reply.startsWith(expected));
    });
  });
}
