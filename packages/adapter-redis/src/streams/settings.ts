import { SwitchyardError } from "@switchyard/core/driver";
import { integerParam } from "../connection.js";

/** Query parameters of `redis-stream://` URLs besides the connection ones. */
export const STREAM_PARAMS = [
  "maxLen",
  "partitions",
  "maxRecordBytes",
  "claimIdleMs",
  "blockMs",
  "consumerName",
] as const;

/** A stream's settings, from its URL. */
export interface StreamSettings {
  /** The stream's name (the URL path). */
  name: string;
  /** The Redis keys of its partitions: the name itself for one, `<name>:<i>` for several. */
  keys: string[];
  /** Approximate length each partition is trimmed to on XADD (`MAXLEN ~`); undefined keeps everything. */
  maxLen: number | undefined;
  /** Largest record (value + key + headers) accepted, in bytes. */
  maxRecordBytes: number;
  /** How long a delivered record may stay unacknowledged before another consumer of the group takes it over. */
  claimIdleMs: number;
  /** How long one blocking read waits on the server. */
  blockMs: number;
  /** The database number. */
  db: number;
  /**
   * This instance's consumer name in the group, kept across its restarts: a
   * restarted instance re-reads its own pending records at once, in order,
   * instead of leaving them for a takeover after `claimIdleMs`. Default: a
   * name per process.
   */
  consumerName: string | undefined;
}

/** Default `maxRecordBytes`: 1 MiB (Redis itself allows up to 512 MB per field). */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Reads `redis-stream://[user:pass@]host:port/<name>?maxLen=&partitions=&maxRecordBytes=&claimIdleMs=&blockMs=&consumerName=&db=`.
 * Defaults: no trimming, 1 partition, 1 MiB records, 30 s before takeover, 1 s blocking reads, db 0.
 */
export function streamSettings(url: URL): StreamSettings {
  const name = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  if (name === "") {
    throw new SwitchyardError(
      "InvalidArgument",
      `${url.protocol}//${url.host}: name the stream in the path, e.g. ${url.protocol}//${url.host || "127.0.0.1:6379"}/orders`,
    );
  }
  const partitions = integerParam(url, "partitions", 1, 1);
  const maxLen = url.searchParams.has("maxLen") ? integerParam(url, "maxLen", 0, 1) : undefined;
  return {
    name,
    keys: partitions === 1 ? [name] : Array.from({ length: partitions }, (_, i) => `${name}:${i}`),
    maxLen,
    maxRecordBytes: integerParam(url, "maxRecordBytes", DEFAULT_MAX_RECORD_BYTES, 1),
    claimIdleMs: integerParam(url, "claimIdleMs", 30_000, 1),
    blockMs: integerParam(url, "blockMs", 1000, 1),
    db: integerParam(url, "db", 0, 0),
    consumerName: consumerName(url),
  };
}

function consumerName(url: URL): string | undefined {
  const raw = url.searchParams.get("consumerName");
  if (raw === null) return undefined;
  if (!/^[a-zA-Z0-9._:-]{1,200}$/.test(raw)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${url.protocol}//${url.host}${url.pathname}: consumerName "${raw}" must be 1–200 letters, digits, ".", "_", ":" or "-" — name the instance, e.g. its host name`,
    );
  }
  return raw;
}
