/**
 * The PEM files a TLS connection is configured with (`ca=`, `cert=` and `key=`
 * in an adapter's URL), read and checked when a resource opens, so that a bad
 * file fails there, naming the parameter, rather than at the first handshake.
 */
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import type { ConnectionOptions } from "node:tls";
import { SwitchyardError } from "../errors.js";

/** The URL parameters that name TLS files. */
export const TLS_FILE_PARAMS = ["ca", "cert", "key"] as const;

/** One of {@link TLS_FILE_PARAMS}. */
export type TlsFileParam = (typeof TLS_FILE_PARAMS)[number];

/** Paths of the PEM files of a TLS connection, absolute; undefined for a file not given. */
export type TlsFiles = Record<TlsFileParam, string | undefined>;

const WHAT: Record<TlsFileParam, string> = {
  ca: "CA certificate",
  cert: "client certificate",
  key: "client key",
};

const MARKER: Record<TlsFileParam, RegExp> = {
  ca: /-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/,
  cert: /-----BEGIN CERTIFICATE-----/,
  key: /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
};

function readPem(system: string, name: TlsFileParam, path: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SwitchyardError(
      "InvalidArgument",
      `${system} ${name}=${path}: the ${WHAT[name]} file cannot be read (${reason}) — give the path of a PEM file`,
    );
  }
  if (!MARKER[name].test(content.toString("latin1"))) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${system} ${name}=${path}: the file holds no PEM ${WHAT[name]} (no "-----BEGIN ${name === "key" ? "PRIVATE KEY" : "CERTIFICATE"}-----" line)`,
    );
  }
  return content;
}

/**
 * The `tls.connect` options for `files`, read now. A missing file, one that is
 * not PEM, `cert` without `key` (or the reverse) or a key that does not belong
 * to its certificate is an InvalidArgument naming the parameter, its message
 * starting with `system` (say `kafka`). The key's path shows in messages only
 * where they are not masked (every `key`-named value is, in logs and errors).
 */
export function tlsConnectionOptions(files: TlsFiles, system: string): ConnectionOptions {
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${system}: cert= and key= go together: give both (the client certificate and its private key) or neither`,
    );
  }
  const options: ConnectionOptions = {};
  for (const name of TLS_FILE_PARAMS) {
    const path = files[name];
    if (path !== undefined) options[name] = readPem(system, name, path);
  }
  try {
    createSecureContext(options);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SwitchyardError(
      "InvalidArgument",
      `${system} cert=${files.cert ?? "(none)"}: the certificate and key= cannot be used together (${reason}) — give the key that belongs to the certificate, unencrypted`,
    );
  }
  return options;
}
