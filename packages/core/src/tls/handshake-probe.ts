/**
 * A TLS handshake of an adapter's own, made when its client library cannot
 * connect, so that a certificate problem is told apart from an outage. Client
 * libraries often report only that a connection closed (and retry it), and
 * under TLS 1.3 a server that refuses the client certificate closes the
 * connection after the handshake, with no alert saying why.
 */
import { connect } from "node:tls";
import type { ConnectionOptions } from "node:tls";
import { isTlsError } from "./tls-problems.js";

/** What a handshake showed. */
export type HandshakeOutcome =
  /** The server answered after the handshake: it took the certificate. */
  | { kind: "ok" }
  /** The handshake or certificate check failed with a TLS error. */
  | { kind: "refused"; error: unknown }
  /** The server closed the connection right after the handshake (a refused client certificate, under TLS 1.3). */
  | { kind: "closed-after-handshake" }
  /** TCP connected and no handshake came within `ms`: not a TLS port. */
  | { kind: "no-handshake"; ms: number }
  /** Nothing took the connection: an outage, for the ordinary path to report. */
  | { kind: "unreachable" };

/**
 * Connects to `host:port` with `options`, sends `hello` (a request any server
 * of the kind answers, before authentication too) once the handshake is done,
 * and waits up to `timeoutMs` for any answer. Never rejects.
 */
export function probeTlsHandshake(
  host: string,
  port: number,
  options: ConnectionOptions,
  hello: string | Uint8Array,
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
      socket.write(hello);
    });
    // Any answer means the server took the connection, certificate and all.
    socket.once("data", () => done({ kind: "ok" }));
    socket.once("error", (error) => done(isTlsError(error) ? { kind: "refused", error } : ended()));
    socket.once("close", () => done(ended()));
  });
}
