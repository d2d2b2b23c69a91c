/**
 * A redis-server of its own with a TLS port, for the TLS tests: launched like
 * the harness's (test/services/redis.ts), plus `--tls-port` on a free loopback
 * port with the given server certificate and the test CA for client
 * certificates. Debian's redis-server is built with TLS; `tlsMissing()` says
 * when the binary at hand is not.
 */
import { rmSync } from "node:fs";
import { findExecutable, runCommand } from "../harness/apt.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import { launchRedis } from "../services/redis.js";
import type { CertificateFiles } from "./certificates.js";

/** A running TLS redis-server. */
export interface TlsRedis {
  /** `127.0.0.1:<port>` of the plaintext port. */
  plain: string;
  /** `127.0.0.1:<port>` of the TLS port. */
  tls: string;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/** Options of {@link startTlsRedis}. */
export interface TlsRedisOptions {
  /** The server's certificate and key. */
  server: CertificateFiles;
  /** CA that client certificates must come from. */
  ca: string;
  /** Whether a client certificate is required (`yes`), checked when given (`optional`), or not asked for (`no`). */
  clientAuth: "yes" | "optional" | "no";
  /** More redis-server arguments, e.g. an ACL user. */
  args?: readonly string[];
}

/** Why redis-server cannot serve TLS here, or undefined when it can. */
export async function tlsMissing(): Promise<string | undefined> {
  const binary = process.env.SWITCHYARD_REDIS_SERVER ?? findExecutable("redis-server");
  if (binary === undefined) return "redis-server is not installed";
  // A build without TLS refuses the option while reading its arguments.
  const probe = await runCommand(binary, ["--tls-port", "0", "--port", "0"], { timeoutMs: 10_000 });
  return /Bad directive|wrong number of arguments|not supported/i.test(probe.output)
    ? `${binary} is built without TLS support (it refuses --tls-port)`
    : undefined;
}

/** Starts redis-server with a plaintext and a TLS port; rejects when it does not come up. */
export async function startTlsRedis(options: TlsRedisOptions): Promise<TlsRedis> {
  const [port, tlsPort] = [await freePort(), await freePort()];
  const dir = makeRunDir("redis-tls");
  const args = [
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    options.server.cert,
    "--tls-key-file",
    options.server.key,
    "--tls-ca-cert-file",
    options.ca,
    "--tls-auth-clients",
    options.clientAuth,
    ...(options.args ?? []),
  ];
  try {
    const server = await launchRedis(port, dir, args);
    return {
      plain: `127.0.0.1:${port}`,
      tls: `127.0.0.1:${tlsPort}`,
      stop: async () => {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
