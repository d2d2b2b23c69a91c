/**
 * A failed TLS handshake or certificate check, found inside a client
 * library's error and told in words that name the URL parameter, or the
 * server setting, that fixes it.
 */
import type { TlsFiles } from "./pem-files.js";

/** How the other end of a connection is named, and where its own TLS settings live. */
export interface TlsPeer {
  /** What it is called in messages: "broker", "server". */
  name: string;
  /** The server setting that holds its certificate, e.g. `ssl.keystore.* on the broker`. */
  certificateSetting: string;
  /** The server setting that holds the CAs it trusts for client certificates. */
  trustSetting: string;
  /** What to do when the port did not answer TLS, e.g. `use the broker's TLS listener, or …`. */
  plaintextFix: string;
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

/** The TLS error somewhere inside a client error (itself, its causes, aggregated errors), if any. */
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

/**
 * What a TLS failure inside `err` means and how to fix it, naming the URL
 * parameters of `files` and the `peer`'s settings; undefined when `err` holds
 * no TLS failure.
 */
export function tlsProblem(err: unknown, files: TlsFiles, peer: TlsPeer): string | undefined {
  const found = findTlsError(err);
  if (found === undefined) return undefined;
  const { code } = found;
  const { name } = peer;
  const cert = files.cert === undefined ? "no cert= was given" : `cert=${files.cert}`;
  if (UNTRUSTED.has(code)) {
    return files.ca === undefined
      ? `the ${name}'s TLS certificate is not signed by a CA this client trusts (${code}) — set ca=<path of the CA certificate, PEM> in the URL`
      : `the ${name}'s TLS certificate is not signed by the CA in ca=${files.ca} (${code}) — point ca= at the CA that signed the ${name}'s certificate`;
  }
  if (code === "CERT_HAS_EXPIRED")
    return `the ${name}'s TLS certificate has expired (${code}) — the ${name} needs a renewed certificate (${peer.certificateSetting})`;
  if (code === "CERT_NOT_YET_VALID")
    return `the ${name}'s TLS certificate is not valid yet (${code}) — check the clocks of the ${name} and this machine`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return `the ${name}'s TLS certificate does not name the host connected to (${code}) — connect by a name the certificate lists, or reissue it with that name`;
  if (/CERTIFICATE_EXPIRED/.test(code))
    return `the ${name} refused the client certificate: it has expired (${code}, ${cert}) — renew the client certificate`;
  // Without a client certificate, any alert about one means the server wants one.
  if (files.cert === undefined && /ALERT_(\w*CERTIFICATE|HANDSHAKE_FAILURE)/.test(code))
    return `the ${name} wants a client certificate (${code}) — set cert=<client certificate, PEM> and key=<its private key, PEM> in the URL`;
  if (/UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|DECRYPT_ERROR/.test(code))
    return `the ${name} refused the client certificate (${code}, ${cert}) — use a certificate issued by a CA the ${name} trusts (${peer.trustSetting})`;
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER")
    return `the ${name} did not answer TLS on this port (${code}) — ${peer.plaintextFix}`;
  return `the TLS handshake with the ${name} failed (${code}: ${found.message})`;
}
