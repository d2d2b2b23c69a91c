/**
 * TLS for Kafka connections: the PEM files named by `ca=`, `cert=` and `key=`,
 * read when a stream opens, and TLS handshake failures explained in words that
 * name the parameter to set.
 */
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import type { ConnectionOptions } from "node:tls";
import { SwitchyardError } from "@switchyard/core/driver";

/** The TLS settings of a stream: paths of PEM files, absolute once parsed. */
export interface KafkaTlsFiles {
  /** CA certificate(s) to trust instead of the system's. */
  ca: string | undefined;
  /** Client certificate (chain) for mutual TLS. */
  cert: string | undefined;
  /** The client certificate's private key (unencrypted). */
  key: string | undefined;
}

const WHAT: Record<keyof KafkaTlsFiles, string> = {
  ca: "CA certificate",
  cert: "client certificate",
  key: "client key",
};

function readPem(name: keyof KafkaTlsFiles, path: string, marker: RegExp): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SwitchyardError(
      "InvalidArgument",
      `kafka ${name}=${path}: the ${WHAT[name]} file cannot be read (${reason}) — give the path of a PEM file`,
    );
  }
  if (!marker.test(content.toString("latin1"))) {
    throw new SwitchyardError(
      "InvalidArgument",
      `kafka ${name}=${path}: the file holds no PEM ${WHAT[name]} (no "-----BEGIN ${name === "key" ? "PRIVATE KEY" : "CERTIFICATE"}-----" line)`,
    );
  }
  return content;
}

/**
 * The options for `tls.connect` of a stream: the files read now, so that a
 * missing file, a file that is not PEM, or a key that does not belong to its
 * certificate fails the stream's open with InvalidArgument naming the
 * parameter (the key's path is masked in messages, as every `key`-named value).
 */
export function tlsConnectionOptions(files: KafkaTlsFiles): ConnectionOptions {
  const options: ConnectionOptions = {};
  if (files.ca !== undefined)
    options.ca = readPem("ca", files.ca, /-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/);
  if (files.cert !== undefined) options.cert = readPem("cert", files.cert, /-----BEGIN CERTIFICATE-----/);
  if (files.key !== undefined) options.key = readPem("key", files.key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  try {
    createSecureContext(options);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SwitchyardError(
      "InvalidArgument",
      `kafka cert=${files.cert ?? "(none)"}: the certificate and key= cannot be used together (${reason}) — give the key that belongs to the certificate, unencrypted`,
    );
  }
  return options;
}

/** Node's codes for a server certificate the client does not trust. */
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

/** Whether `err` itself is a failed TLS handshake or certificate check. */
export function isTlsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (UNTRUSTED.has(code) || /^(CERT_|ERR_TLS_|ERR_SSL_)/.test(code));
}

/** The TLS error somewhere inside a client error (its causes and aggregated errors), if any. */
function findTlsError(err: unknown, depth = 0): { code: string; message: string } | undefined {
  if (depth > 6 || typeof err !== "object" || err === null) return undefined;
  const { code, message, cause, errors } = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === "string" && isTlsError(err)) {
    return { code, message: typeof message === "string" ? message : code };
  }
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = findTlsError(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** What a TLS failure means and how to fix it, naming the URL parameters; undefined for other errors. */
export function tlsProblem(err: unknown, tls: boolean, files: KafkaTlsFiles): string | undefined {
  const found = findTlsError(err);
  if (found === undefined) return undefined;
  const { code } = found;
  const cert = files.cert === undefined ? "no cert= was given" : `cert=${files.cert}`;
  if (UNTRUSTED.has(code)) {
    return files.ca === undefined
      ? `the broker's TLS certificate is not signed by a CA this client trusts (${code}) — set ca=<path of the CA certificate, PEM> in the URL`
      : `the broker's TLS certificate is not signed by the CA in ca=${files.ca} (${code}) — point ca= at the CA that signed the broker's certificate`;
  }
  if (code === "CERT_HAS_EXPIRED")
    return `the broker's TLS certificate has expired (${code}) — the broker needs a renewed certificate (ssl.keystore.* on the broker)`;
  if (code === "CERT_NOT_YET_VALID")
    return `the broker's TLS certificate is not valid yet (${code}) — check the clocks of the broker and this machine`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return `the broker's TLS certificate does not name the host connected to (${code}) — connect by a name the certificate lists, or reissue it with that name`;
  if (/CERTIFICATE_EXPIRED/.test(code))
    return `the broker refused the client certificate: it has expired (${code}, ${cert}) — renew the client certificate`;
  // Without a client certificate, any alert about one means the server wants one.
  if (files.cert === undefined && /ALERT_(\w*CERTIFICATE|HANDSHAKE_FAILURE)/.test(code))
    return `the broker wants a client certificate (${code}) — set cert=<client certificate, PEM> and key=<its private key, PEM> in the URL`;
  if (/UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|DECRYPT_ERROR/.test(code))
    return `the broker refused the client certificate (${code}, ${cert}) — use a certificate issued by a CA the broker trusts (ssl.truststore.* on the broker)`;
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" && tls)
    return `the broker did not answer TLS on this port (${code}) — use the broker's TLS listener, or drop tls=, ca=, cert= and key= for a plaintext one`;
  return `the TLS handshake with the broker failed (${code}: ${found.message})`;
}
