/**
 * A Kafka broker of its own with TLS listeners, for the TLS tests: formatted
 * and launched like the harness's broker (test/services/kafka.ts), with these
 * listeners added, each on a free loopback port:
 *
 * - `SSL`: TLS with the server certificate, no client certificate asked;
 * - `MTLS`: TLS that requires a client certificate from the test CA;
 * - `EXPIRED`: TLS with a server certificate that expired in 2020;
 * - `SASL_SSL`: TLS plus SASL PLAIN, for the users given.
 *
 * Certificates are read as PEM (`ssl.keystore.type=PEM`), so no keytool step.
 */
import { readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { formatKafkaNode, launchKafka } from "../services/kafka.js";
import { freePort } from "../harness/ports.js";
import type { CertificateFiles, TestCertificates } from "./certificates.js";

/** A running TLS broker: `host:port` of each listener, and how to stop it. */
export interface TlsKafka {
  /** Plaintext listener (what the harness's readiness check uses). */
  plain: string;
  /** TLS, server certificate from the test CA, no client certificate asked. */
  tls: string;
  /** TLS that requires a client certificate from the test CA. */
  mtls: string;
  /** TLS with an expired server certificate. */
  expired: string;
  /** TLS plus SASL PLAIN. */
  saslTls: string;
  /** Stops the broker and removes its files. */
  stop(): Promise<void>;
}

/** Kafka's PEM key store is one file holding the key, then the certificate. */
function keystore(dir: string, name: string, files: CertificateFiles): string {
  const file = join(dir, `${name}.pem`);
  writeFileSync(file, readFileSync(files.key, "utf8") + readFileSync(files.cert, "utf8"));
  return file;
}

/**
 * Formats and launches the broker. `saslUsers` are the PLAIN users of the
 * `SASL_SSL` listener (name → password). Rejects when Kafka is not installed
 * or does not come up.
 */
export async function startTlsKafka(
  certs: TestCertificates,
  saslUsers: Record<string, string> = {},
): Promise<TlsKafka> {
  const node = await formatKafkaNode();
  const [tls, mtls, expired, saslTls] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const at = (name: string, port: number) => `${name}://127.0.0.1:${port}`;
  const advertised = [
    at("PLAINTEXT", node.brokerPort),
    at("SASL_PLAINTEXT", node.saslPort),
    at("SSL", tls),
    at("MTLS", mtls),
    at("EXPIRED", expired),
    at("SASL_SSL", saslTls),
  ];
  const users = Object.entries(saslUsers)
    .map(([user, password]) => ` user_${user}="${password}"`)
    .join("");
  // Appended after formatting: later keys win, and the format step needs none of these.
  appendFileSync(
    node.config,
    [
      "",
      `listeners=${[...advertised, at("CONTROLLER", node.controllerPort)].join(",")}`,
      `advertised.listeners=${advertised.join(",")}`,
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,MTLS:SSL,EXPIRED:SSL,SASL_SSL:SASL_SSL",
      "ssl.keystore.type=PEM",
      `ssl.keystore.location=${keystore(node.dir, "server", certs.server)}`,
      "ssl.truststore.type=PEM",
      `ssl.truststore.location=${certs.ca}`,
      // Clients connect to 127.0.0.1, which the certificate names; the broker checks nothing about clients' names.
      "ssl.endpoint.identification.algorithm=",
      "listener.name.mtls.ssl.client.auth=required",
      "listener.name.expired.ssl.keystore.type=PEM",
      `listener.name.expired.ssl.keystore.location=${keystore(node.dir, "expired", certs.expiredServer)}`,
      "listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN",
      `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required${users};`,
      "",
    ].join("\n"),
  );
  let server: Awaited<ReturnType<typeof launchKafka>>;
  try {
    server = await launchKafka(node);
  } catch (err) {
    rmSync(node.dir, { recursive: true, force: true });
    throw err;
  }
  const host = (port: number) => `127.0.0.1:${port}`;
  return {
    plain: host(node.brokerPort),
    tls: host(tls),
    mtls: host(mtls),
    expired: host(expired),
    saslTls: host(saslTls),
    stop: async () => {
      await server.stop(10_000);
      rmSync(node.dir, { recursive: true, force: true });
    },
  };
}
