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
 * done and waits for any answer. Never rejects. A connection closed or timed
 * out after TCP connected but before the handshake is `no-handshake` (not a TLS
 * port); one that never connected is `unreachable`, for the ordinary path to report.
 */
export function checkHandshake(
  host: string,
  port: number,
  options: ConnectionOptions,
  timeoutMs: number,
): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    let connected = false;
    let handshaken = false;
    const socket = connect({ ...options, host, port });
    const ended = (): HandshakeOutcome =>
      handshaken
        ? { kind: "closed-after-handshake" }
        : connected
          ? { kind: "no-handshake", ms: timeoutMs }
          : { kind: "unreachable" };
    const done = (outcome: HandshakeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done(handshaken ? { kind: "ok" } : ended()), timeoutMs);
    socket.once("connect", () => (connected = true));
    socket.once("secureConnect", () => {
      handshaken = true;
      socket.write("PING\r\n");
    });
    // Any reply, even -NOAUTH, means the server took the certificate.
    socket.once("data", () => done({ kind: "ok" }));
    socket.once("error", (error) => done(isTlsError(error) ? { kind: "refused", error } : ended()));
    socket.once("close", () => done(ended()));
  });
}
