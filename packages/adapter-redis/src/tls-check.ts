/**
 * The startup check's TLS handshake: one connection of its own, so that a
 * certificate problem is told apart from an outage. The client library only
 * reports that a connection failed (and ioredis retries it), and under TLS 1.3
 * a server that refuses the client certificate often just closes the
 * connection after the handshake, with no alert saying why.
 */
import { connect } from "node:tls";
import type { ConnectionOptions } from "node:tls";
import { isTlsError } from "./tls.js";

/** What the handshake showed: nothing wrong, a TLS error, a close right after it, or no TLS answer. */
export type HandshakeOutcome =
  | { kind: "ok" }
  | { kind: "refused"; error: unknown }
  | { kind: "closed-after-handshake" }
  | { kind: "no-handshake"; ms: number }
  | { kind: "unreachable" };

/**
 * Connects to `host:port` with `options`, sends PING once the handshake is
 * done and waits for any answer. Never rejects: a socket error that is not
 * about TLS (refused, reset before the handshake) is `unreachable`, for the
 * ordinary connection path to report.
 */
export function checkHandshake(
  host: string,
  port: number,
  options: ConnectionOptions,
  timeoutMs: number,
): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    let handshaken = false;
    const socket = connect({ ...options, host, port });
    const done = (outcome: HandshakeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done(handshaken ? { kind: "ok" } : { kind: "no-handshake", ms: timeoutMs }),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      handshaken = true;
      socket.write("PING\r\n");
    });
    // Any reply, even -NOAUTH, means the server took the certificate.
    socket.once("data", () => done({ kind: "ok" }));
    socket.once("error", (error) => {
      if (isTlsError(error)) done({ kind: "refused", error });
      else done(handshaken ? { kind: "closed-after-handshake" } : { kind: "unreachable" });
    });
    socket.once("close", () =>
      done(handshaken ? { kind: "closed-after-handshake" } : { kind: "unreachable" }),
    );
  });
}
