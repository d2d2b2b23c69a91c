/**
 * TLS for Redis connections: the `ca=`, `cert=` and `key=` paths of a URL and
 * the server as TLS failures name it. Reading the PEM files and explaining a
 * failed handshake are `@switchyard/core/driver`'s, shared with the other adapters.
 */
import { isAbsolute, resolve } from "node:path";
import type { TlsFileParam, TlsFiles, TlsPeer } from "@switchyard/core/driver";

/** The `ca`, `cert` and `key` parameters of `url` as absolute paths (relative ones from `baseDir`). */
export function tlsFiles(url: URL, baseDir: string): TlsFiles {
  const path = (name: TlsFileParam) => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === "") return undefined;
    return isAbsolute(raw) ? raw : resolve(baseDir, raw);
  };
  return { ca: path("ca"), cert: path("cert"), key: path("key") };
}

/** The other end of a Redis connection, with the redis-server settings that fix its TLS. */
export const SERVER: TlsPeer = {
  name: "server",
  certificateSetting: "tls-cert-file on redis-server",
  trustSetting: "tls-ca-cert-file on redis-server",
  plaintextFix:
    "use its TLS port (tls-port), or redis:// without tls=, ca=, cert= and key= for a plaintext one",
};
