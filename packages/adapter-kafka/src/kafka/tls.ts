/**
 * TLS for Kafka connections: the broker as TLS failures name it. Reading the
 * PEM files of `ca=`, `cert=` and `key=` and explaining a failed handshake are
 * `@switchyard/core/driver`'s, shared with the other adapters.
 */
import type { TlsFiles, TlsPeer } from "@switchyard/core/driver";

/** The TLS settings of a stream: paths of PEM files, absolute once parsed. */
export type KafkaTlsFiles = TlsFiles;

/** The other end of a Kafka connection, with the broker settings that fix its TLS. */
export const BROKER: TlsPeer = {
  name: "broker",
  certificateSetting: "ssl.keystore.* on the broker",
  trustSetting: "ssl.truststore.* on the broker",
  plaintextFix: "use the broker's TLS listener, or drop tls=, ca=, cert= and key= for a plaintext one",
};
