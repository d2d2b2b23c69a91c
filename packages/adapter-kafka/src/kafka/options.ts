import { isAbsolute, resolve } from "node:path";
import * as zlib from "node:zlib";
import { SwitchyardError } from "@switchyard/core/driver";
import type { KafkaTlsFiles } from "./tls.js";

/** Compression codecs a Kafka producer can use. */
export type KafkaCompression = "none" | "gzip" | "snappy" | "lz4" | "zstd";

/** SASL mechanisms the adapter can authenticate with. */
export type KafkaSaslMechanism = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** Everything a Kafka stream needs, resolved from its URL and the adapter's defaults. */
export interface KafkaStreamOptions {
  /** Bootstrap brokers as `host:port`. */
  brokers: string[];
  /** The topic. */
  topic: string;
  /** Client id sent to the brokers. Default `switchyard`. */
  clientId: string;
  /** Partitions of the topic when the adapter creates it. Default: the broker's `num.partitions`. */
  partitions: number | undefined;
  /** Create the topic at startup when it does not exist. Default false. */
  create: boolean;
  /** Acknowledgements a send waits for: -1 (all in-sync replicas), 1 (leader) or 0 (none). Default -1. */
  acks: -1 | 0 | 1;
  /** Idempotent producer (no duplicates from the client's own retries). On whenever `acks` is all. */
  idempotent: boolean;
  /** Compression of produced batches. Default none. */
  compression: KafkaCompression;
  /** How long a send waits for others to share its produce request, in ms. Default 0. */
  lingerMs: number;
  /** Connect with TLS. Default false; on whenever `ca`, `cert` or `key` is set. */
  tls: boolean;
  /** PEM file of the CA(s) to trust instead of the system's (`ca=`). Default: the system's CAs. */
  ca: string | undefined;
  /** PEM file of the client certificate, for mutual TLS (`cert=`, with `key=`). */
  cert: string | undefined;
  /** PEM file of the client certificate's unencrypted private key (`key=`, with `cert=`). */
  key: string | undefined;
  /** SASL credentials, when the cluster wants them. */
  sasl: { mechanism: KafkaSaslMechanism; username: string; password: string } | undefined;
  /** How long connecting to a broker may take before the call fails Unavailable, in ms. Default 10000. */
  connectTimeoutMs: number;
  /** How long one request may take, in ms. Default 30000. */
  requestTimeoutMs: number;
  /**
   * Largest record (key + value + headers) accepted, in bytes. Default 1 MiB less 512 bytes: the
   * broker's `message.max.bytes` (1 MiB + 12) bounds the whole record batch, whose header and
   * per-record framing take up to about a hundred bytes, so a record of a full MiB is refused.
   */
  maxRecordBytes: number;
  /** Most records in one `send`. Default 10000. */
  maxBatchRecords: number;
  /** Consumer group session timeout, in ms. Default 30000. */
  sessionTimeoutMs: number;
  /**
   * Static group membership (Kafka's `group.instance.id`): a name unique to this
   * instance and kept across its restarts, so a restarted instance takes back its
   * partitions at once instead of after a session timeout and a rebalance.
   * Default: none (dynamic membership).
   */
  groupInstanceId: string | undefined;
}

/** The query parameters a `kafka://` URL accepts. */
export const KAFKA_PARAMS = [
  "brokers",
  "partitions",
  "create",
  "acks",
  "compression",
  "linger",
  "tls",
  "ca",
  "cert",
  "key",
  "sasl",
  "username",
  "password",
  "clientId",
  "connectTimeoutMs",
  "requestTimeoutMs",
  "maxRecordBytes",
  "maxBatchRecords",
  "sessionTimeoutMs",
  "groupInstanceId",
] as const;

/** The defaults every resolved option starts from. */
export const KAFKA_DEFAULTS: Omit<KafkaStreamOptions, "brokers" | "topic"> = {
  clientId: "switchyard",
  partitions: undefined,
  create: false,
  acks: -1,
  idempotent: true,
  compression: "none",
  lingerMs: 0,
  tls: false,
  ca: undefined,
  cert: undefined,
  key: undefined,
  sasl: undefined,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxRecordBytes: 1_048_064,
  maxBatchRecords: 10_000,
  sessionTimeoutMs: 30_000,
  groupInstanceId: undefined,
};

const COMPRESSIONS: readonly KafkaCompression[] = ["none", "gzip", "snappy", "lz4", "zstd"];
const MECHANISMS: Record<string, KafkaSaslMechanism> = {
  plain: "PLAIN",
  "scram-sha-256": "SCRAM-SHA-256",
  "scram-sha-512": "SCRAM-SHA-512",
};

/**
 * Parses `kafka://host:port[,host:port]/topic?…` into stream options. Hosts given
 * without a port take the URL's port (or 9092); `?brokers=` adds more, since a URL
 * parser refuses a port in the middle of the host list. Credentials may come as
 * `username`/`password` parameters or as the URL's user info. Relative `ca`,
 * `cert` and `key` paths resolve against `baseDir` (the config file's folder).
 */
export function parseKafkaUrl(
  url: URL,
  defaults: Partial<KafkaStreamOptions> = {},
  baseDir = process.cwd(),
): KafkaStreamOptions {
  const where = redacted(url);
  const bad = (message: string) => new SwitchyardError("InvalidArgument", `${where}: ${message}`);
  const params = url.searchParams;
  const base = { ...KAFKA_DEFAULTS, ...defaults };

  const port = url.port === "" ? "9092" : url.port;
  const hosts = url.hostname === "" ? [] : decodeURIComponent(url.hostname).split(",");
  const brokers = hosts.map((h) => (h.includes(":") ? h : `${h}:${port}`));
  for (const extra of params.get("brokers")?.split(",") ?? []) if (extra !== "") brokers.push(extra);
  if (brokers.length === 0) throw bad("name at least one broker, e.g. kafka://127.0.0.1:9092/topic");
  for (const b of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(b)) throw bad(`broker "${b}" is not host:port`);
  }

  const topic = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) {
    throw bad(`"${topic}" is not a Kafka topic name: use 1-249 of a-z A-Z 0-9 . _ - after the brokers`);
  }

  const int = (name: string, min: number, fallback: number) => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(n) || n < min) {
      throw bad(`"${name}" must be an integer ≥ ${min}, got "${raw}"`);
    }
    return n;
  };
  const bool = (name: string, fallback: boolean) => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    if (raw === "true" || raw === "1" || raw === "") return true;
    if (raw === "false" || raw === "0") return false;
    throw bad(`"${name}" must be true or false, got "${raw}"`);
  };

  const acksRaw = params.get("acks");
  let acks = base.acks;
  if (acksRaw !== null) {
    if (acksRaw === "all" || acksRaw === "-1") acks = -1;
    else if (acksRaw === "1" || acksRaw === "leader") acks = 1;
    else if (acksRaw === "0" || acksRaw === "none") acks = 0;
    else throw bad(`"acks" must be all, 1 or 0, got "${acksRaw}"`);
  }

  const compression = (params.get("compression") ?? base.compression) as KafkaCompression;
  if (!COMPRESSIONS.includes(compression)) {
    throw bad(`"compression" must be one of ${COMPRESSIONS.join(", ")}, got "${compression}"`);
  }
  // The client compresses zstd with node:zlib, which has it from Node 22.15 on.
  if (compression === "zstd" && !("zstdCompressSync" in zlib)) {
    throw bad(
      `compression=zstd needs Node 22.15 or later (this is ${process.version}): use lz4, snappy or gzip`,
    );
  }

  let sasl = base.sasl;
  const saslRaw = params.get("sasl");
  if (saslRaw !== null) {
    const mechanism = MECHANISMS[saslRaw.toLowerCase()];
    if (mechanism === undefined)
      throw bad(`"sasl" must be plain, scram-sha-256 or scram-sha-512, got "${saslRaw}"`);
    const username = params.get("username") ?? decodeURIComponent(url.username);
    const password = params.get("password") ?? decodeURIComponent(url.password);
    if (username === "")
      throw bad(`sasl=${saslRaw} needs a username (?username= or user:password@ in the URL)`);
    sasl = { mechanism, username, password };
  } else if (params.has("username") || params.has("password") || url.username !== "") {
    throw bad("credentials were given without a mechanism: add sasl=plain, scram-sha-256 or scram-sha-512");
  }

  const files = tlsFiles(params, base, baseDir);
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw bad(
      "cert= and key= go together: give both (the client certificate and its private key) or neither",
    );
  }
  const tlsAsked = bool("tls", base.tls);
  if (params.get("tls") !== null && !tlsAsked && Object.values(files).some((f) => f !== undefined)) {
    throw bad("tls=false contradicts ca=, cert= and key=: drop tls=false, or drop the certificate files");
  }

  const partitionsRaw = params.get("partitions");
  return {
    brokers,
    topic,
    clientId: params.get("clientId") ?? base.clientId,
    partitions: partitionsRaw === null ? base.partitions : int("partitions", 1, 1),
    create: bool("create", base.create),
    acks,
    idempotent: acks === -1,
    compression,
    lingerMs: int("linger", 0, base.lingerMs),
    tls: tlsAsked || Object.values(files).some((f) => f !== undefined),
    ...files,
    sasl,
    connectTimeoutMs: int("connectTimeoutMs", 1, base.connectTimeoutMs),
    requestTimeoutMs: int("requestTimeoutMs", 1, base.requestTimeoutMs),
    maxRecordBytes: int("maxRecordBytes", 1, base.maxRecordBytes),
    maxBatchRecords: int("maxBatchRecords", 1, base.maxBatchRecords),
    sessionTimeoutMs: int("sessionTimeoutMs", 1000, base.sessionTimeoutMs),
    groupInstanceId: instanceId(params.get("groupInstanceId"), bad) ?? base.groupInstanceId,
  };
}

/** The TLS file parameters, or the adapter's defaults, as absolute paths. */
function tlsFiles(params: URLSearchParams, base: KafkaTlsFiles, baseDir: string): KafkaTlsFiles {
  const path = (name: keyof KafkaTlsFiles) => {
    const raw = params.get(name) ?? base[name];
    if (raw === undefined || raw === "") return undefined;
    return isAbsolute(raw) ? raw : resolve(baseDir, raw);
  };
  return { ca: path("ca"), cert: path("cert"), key: path("key") };
}

/** A `groupInstanceId` as Kafka takes it: 1–249 characters of letters, digits, `.`, `_` and `-`. */
function instanceId(raw: string | null, bad: (message: string) => Error): string | undefined {
  if (raw === null) return undefined;
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(raw)) {
    throw bad(
      `groupInstanceId "${raw}" must be 1–249 letters, digits, ".", "_" or "-" — name the instance, e.g. its host name`,
    );
  }
  return raw;
}

/** The URL as text with its password and `password` parameter masked, for error messages. */
export function redacted(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== "") copy.password = "***";
  if (copy.searchParams.has("password")) copy.searchParams.set("password", "***");
  return copy.href;
}
