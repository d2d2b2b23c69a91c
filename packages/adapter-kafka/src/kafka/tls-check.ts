/**
 * A TLS handshake of its own with the first broker, made when a TLS stream
 * cannot reach its brokers, so that a certificate problem is told apart from
 * an outage. The client only reports "Connection closed" (and retries it):
 * under TLS 1.3 a broker that refuses the client certificate closes the
 * connection after the handshake, with no alert saying why.
 */
import {
  SwitchyardError,
  probeTlsHandshake,
  tlsConnectionOptions,
  tlsProblem,
} from "@switchyard/core/driver";
import type { KafkaStreamOptions } from "./options.js";
import { BROKER } from "./tls.js";

/** An ApiVersions v0 request (correlation id 1, no client id): any broker answers it, before authentication too. */
const API_VERSIONS = Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff]);

/**
 * Why a TLS stream's brokers cannot be reached, when it is TLS: a
 * certificate problem (Unauthenticated) or a port that does not speak TLS
 * (Unavailable), each naming the URL parameter or listener that fixes it.
 * Undefined when TLS is off or the handshake goes through.
 */
export async function diagnoseTls(options: KafkaStreamOptions): Promise<SwitchyardError | undefined> {
  if (!options.tls) return undefined;
  const broker = options.brokers[0]!;
  const colon = broker.lastIndexOf(":");
  const [host, port] = [broker.slice(0, colon), Number(broker.slice(colon + 1))];
  const outcome = await probeTlsHandshake(
    host,
    port,
    tlsConnectionOptions(options, "kafka"),
    API_VERSIONS,
    Math.min(options.connectTimeoutMs, 5000),
  );
  const where = `kafka ${broker}`;
  switch (outcome.kind) {
    case "ok":
    case "unreachable":
      return undefined;
    case "refused":
      return new SwitchyardError(
        "Unauthenticated",
        `${where}: ${tlsProblem(outcome.error, options, BROKER) ?? String(outcome.error)}`,
        {
          cause: outcome.error,
        },
      );
    case "closed-after-handshake":
      return new SwitchyardError(
        "Unauthenticated",
        options.cert === undefined
          ? `${where}: the broker closed the connection right after the TLS handshake — it wants a client certificate: set cert=<client certificate, PEM> and key=<its private key, PEM> in the URL`
          : `${where}: the broker closed the connection right after the TLS handshake: it refused the client certificate (cert=${options.cert}) — use one issued by a CA the broker trusts (ssl.truststore.* on the broker) and not expired`,
      );
    case "no-handshake":
      return new SwitchyardError(
        "Unavailable",
        `${where}: the broker did not answer TLS on this port — use the broker's TLS listener (SSL or SASL_SSL), or drop tls=, ca=, cert= and key= for a plaintext one`,
      );
  }
}
