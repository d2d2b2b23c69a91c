/**
 * Certificates for the TLS tests, made with `openssl` when a test starts: a CA,
 * a server certificate for 127.0.0.1 and localhost, a client certificate, an
 * expired client and an expired server certificate (both from the CA), and a
 * server and a client certificate from another CA the servers and clients do
 * not trust. Keys are P-256 and unencrypted, PEM in PKCS#8, which both Kafka
 * (`ssl.keystore.type=PEM`) and redis-server read.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findExecutable } from "../harness/apt.js";

/** A certificate and its key, as PEM file paths. */
export interface CertificateFiles {
  /** The certificate. */
  cert: string;
  /** Its private key. */
  key: string;
}

/** Every file the TLS tests use. */
export interface TestCertificates {
  /** The CA the servers and clients trust (certificate file). */
  ca: string;
  /** A CA nobody trusts (certificate file), for "wrong CA" cases. */
  otherCa: string;
  /** The server's certificate, for 127.0.0.1 and localhost, from `ca`. */
  server: CertificateFiles;
  /** A client certificate from `ca`. */
  client: CertificateFiles;
  /** A client certificate from `ca` that expired in 2020. */
  expiredClient: CertificateFiles;
  /** A server certificate from `ca` that expired in 2020. */
  expiredServer: CertificateFiles;
  /** A client certificate from `otherCa`. */
  strangerClient: CertificateFiles;
  /** A server certificate from `otherCa`. */
  strangerServer: CertificateFiles;
}

/** Why certificates cannot be made here, or undefined when `openssl` is on PATH. */
export function opensslMissing(): string | undefined {
  return findExecutable("openssl") === undefined
    ? "openssl is not on PATH (apt-get install openssl)"
    : undefined;
}

function openssl(dir: string, args: string[]): void {
  const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0) {
    throw new Error(`openssl ${args[0]} failed: ${result.stderr || result.error?.message}`);
  }
}

const KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** `openssl ca` needs a config naming its database; every extension of the request is copied. */
function caConfig(dir: string, name: string): string {
  writeFileSync(join(dir, `${name}.index`), "");
  writeFileSync(join(dir, `${name}.serial`), "1000\n");
  const file = join(dir, `${name}.cnf`);
  writeFileSync(
    file,
    [
      "[ca]",
      "default_ca = local",
      "[local]",
      `database = ${name}.index`,
      "new_certs_dir = .",
      `serial = ${name}.serial`,
      "default_md = sha256",
      "policy = any",
      "copy_extensions = copy",
      "unique_subject = no",
      "[any]",
      "commonName = supplied",
      "",
    ].join("\n"),
  );
  return file;
}

function makeCa(dir: string, name: string): { cert: string; key: string; config: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(dir, ["req", "-x509", ...KEY, "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${name}`]);
  return { cert, key, config: caConfig(dir, name) };
}

/** Issues `name` from `ca`, valid for two days, or between two dates in 2020 when `expired`. */
function issue(
  dir: string,
  ca: { cert: string; key: string; config: string },
  name: string,
  role: "server" | "client",
  expired = false,
): CertificateFiles {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const extensions =
    role === "server"
      ? ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "extendedKeyUsage=serverAuth"]
      : ["-addext", "extendedKeyUsage=clientAuth"];
  openssl(dir, ["req", ...KEY, "-keyout", key, "-out", csr, "-subj", `/CN=${name}`, ...extensions]);
  const validity = expired
    ? ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"]
    : ["-days", "2"];
  openssl(dir, [
    "ca",
    "-batch",
    "-notext",
    "-config",
    ca.config,
    "-cert",
    ca.cert,
    "-keyfile",
    ca.key,
    "-in",
    csr,
    "-out",
    cert,
    ...validity,
  ]);
  return { cert, key };
}

/** Makes every certificate in `dir` (about a second of openssl). */
export function makeTestCertificates(dir: string): TestCertificates {
  const ca = makeCa(dir, "test-ca");
  const other = makeCa(dir, "other-ca");
  return {
    ca: ca.cert,
    otherCa: other.cert,
    server: issue(dir, ca, "server", "server"),
    client: issue(dir, ca, "client", "client"),
    expiredClient: issue(dir, ca, "expired-client", "client", true),
    expiredServer: issue(dir, ca, "expired-server", "server", true),
    strangerClient: issue(dir, other, "stranger-client", "client"),
    strangerServer: issue(dir, other, "stranger-server", "server"),
  };
}
