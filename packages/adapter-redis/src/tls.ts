/**
 * TLS for Redis connections: the PEM files named by `ca=`, `cert=` and `key=`,
 * read when a store or stream is built, and TLS handshake failures explained
 * in words that name the URL parameter to set.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { createSecureContext } from "node:tls";
import type { ConnectionOptions } from "node:tls";
import { SwitchyardError } from "@switchyard/core/driver";

/** Query parameters naming TLS files. */
export const TLS_FILE_PARAMS = ["ca", "cert", "key"] as const;

type FileParam = (typeof TLS_FILE_PARAMS)[number];

/** The TLS file paths a URL names, absolute. */
export type RedisTlsFiles = Record<FileParam, string | undefined>;

const WHAT: Record<FileParam, string> = {
  ca: "CA certificate",
  cert: "client certificate",
  key: "client key",
};
const MARKER: Record<FileParam, RegExp> = {
  ca: /-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/,
  cert: /-----BEGIN CERTIFICATE-----/,
  key: /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
};

/** The `ca`, `cert` and `key` parameters of `url` as absolute paths (relative ones from `baseDir`). */
export function tlsFiles(url: URL, baseDir: string): RedisTlsFiles {
  const path = (name: FileParam) => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === "") return undefined;
    return isAbsolute(raw) ? raw : resolve(baseDir, raw);
  };
  return { ca: path("ca"), cert: path("cert"), key: path("key") };
}

function readPem(name: FileParam, path: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SwitchyardError(
      "InvalidArgument",
      `redis ${name}=${path}: the ${WHAT[name]} file cannot be read (${reason}) — give the path of a PEM file`,
    );
  }
  if (!MARKER[name].test(content.toString("latin1"))) {
    throw new SwitchyardError(
      "InvalidArgument",
      `redis ${name}=${path}: the file holds no PEM ${WHAT[name]} (no "-----BEGIN ${name === "key" ? "PRIVATE KEY" : "CERTIFICATE"}-----" line)`,
    );
  }
  return content;
}

/**
 * The `tls.connect` options for the files, read now: a missing file, one that
 * is not PEM, `cert` without `key` (or the reverse) or a key that does not
 * belong to its certificate is an InvalidArgument naming the parameter (the
 * key's path is masked in messages, as every `key`-named value).
 */
export function tlsConnectionOptions(files: RedisTlsFiles): ConnectionOptions {
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw new SwitchyardError(
      "InvalidArgument",
      "redis: cert= and key= go together: give both (the client certificate and its private key) or neither",
    );
  }
  const options: ConnectionOptions = {};
  for (const name of TLS_FILE_PARAMS) {
    const path = files[name];
    if (path !== undefined) options[name] = readPem(name, path);
  }
  try {
    createSecureContext(options);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SwitchyardError(
      "InvalidArgument",
      `redis cert=${files.cert ?? "(none)"}: the certificate and key= cannot be used together (${reason}) — give the key that belongs to the certificate, unencrypted`,
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

/** Whether `err` is a failed TLS handshake or certificate check. */
export function isTlsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (UNTRUSTED.has(code) || /^(CERT_|ERR_TLS_|ERR_SSL_)/.test(code));
}

/** What a TLS failure means and how to fix it, naming the URL parameters. */
export function tlsProblem(err: unknown, files: RedisTlsFiles): string {
  const code = String((err as { code?: unknown }).code);
  const cert = files.cert === undefined ? "no cert= was given" : `cert=${files.cert}`;
  if (UNTRUSTED.has(code)) {
    return files.ca === undefined
      ? `the server's TLS certificate is not signed by a CA this client trusts (${code}) — set ca=<path of the CA certificate, PEM> in the URL`
      : `the server's TLS certificate is not signed by the CA in ca=${files.ca} (${code}) — point ca= at the CA that signed the server's certificate`;
  }
  if (code === "CERT_HAS_EXPIRED")
    return `the server's TLS certificate has expired (${code}) — the server needs a renewed certificate (tls-cert-file on redis-server)`;
  if (code === "CERT_NOT_YET_VALID")
    return `the server's TLS certificate is not valid yet (${code}) — check the clocks of the server and this machine`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return `the server's TLS certificate does not name the host connected to (${code}) — connect by a name the certificate lists, or reissue it with that name`;
  if (/CERTIFICATE_EXPIRED/.test(code))
    return `the server refused the client certificate: it has expired (${code}, ${cert}) — renew the client certificate`;
  // Without a client certificate, any alert about one means the server wants one.
  if (files.cert === undefined && /ALERT_(\w*CERTIFICATE|HANDSHAKE_FAILURE)/.test(code))
    return `the server wants a client certificate (${code}) — set cert=<client certificate, PEM> and key=<its private key, PEM> in the URL`;
  if (/UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|DECRYPT_ERROR/.test(code))
    return `the server refused the client certificate (${code}, ${cert}) — use a certificate issued by a CA the server trusts (tls-ca-cert-file on redis-server)`;
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER")
    return `the server did not answer TLS on this port (${code}) — use its TLS port (tls-port), or redis:// without tls=, ca=, cert= and key= for a plaintext one`;
  const message = err instanceof Error ? err.message : code;
  return `the TLS handshake with the server failed (${code}: ${message})`;
}
