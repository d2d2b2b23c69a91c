/** The settings of a `kinesis://stream?…` URL. */
import { SwitchyardError } from "@switchyard/core/driver";
import { CLIENT_PARAMS, booleanParam, clientSettings, positiveParam } from "../client-config.js";
import type { ClientSettings } from "../client-config.js";

/** Every query parameter `kinesis://` accepts. */
export const KINESIS_PARAMS = [
  ...CLIENT_PARAMS,
  "leaseTable",
  "leaseEndpoint",
  "failoverMs",
  "envelope",
  "create",
  "shards",
  "maxRecords",
] as const;

/**
 * Default of the most records one GetRecords call asks for. Kinesis allows five
 * calls a second per shard, so this bounds a shard's read rate (5,000 records
 * a second, five times what a shard takes in) and what a reader holds beyond
 * what it handed out.
 */
export const DEFAULT_MAX_RECORDS = 1000;

/** The most records GetRecords returns in one call. */
export const MAX_GET_RECORDS = 10_000;

/** Default lease expiry without renewal: the KCL's `failoverTimeMillis`. */
export const DEFAULT_FAILOVER_MS = 10_000;

/** A parsed `kinesis://` URL. */
export interface KinesisSettings {
  /** The stream name. */
  stream: string;
  /** The Kinesis client's settings. */
  kinesis: ClientSettings;
  /** The lease table's DynamoDB client settings. */
  dynamodb: ClientSettings;
  /** The lease table's name; default `<group>-<stream>` per consumer group. */
  leaseTable: string | undefined;
  /** Lease expiry without renewal, ms. */
  failoverMs: number;
  /** Whether records carry the Switchyard envelope (headers and event time); `envelope=false` writes bare payloads. */
  envelope: boolean;
  /** Shards of a stream to create when it is missing (`create=true`, `shards`); undefined: never create. */
  createShards: number | undefined;
  /** The most records one GetRecords call asks for (the KCL's `maxRecords`), 1 to 10,000. */
  maxRecords: number;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Reads a `kinesis://stream?region=…` URL; throws InvalidArgument naming the fix on bad values. */
export function parseKinesisUrl(url: URL, env: NodeJS.ProcessEnv = process.env): KinesisSettings {
  const stream = decodeURIComponent(url.host);
  if (!STREAM_NAME.test(stream) || (url.pathname !== "" && url.pathname !== "/")) {
    throw new SwitchyardError(
      "InvalidArgument",
      `kinesis://${url.host}${url.pathname}: name one stream, e.g. kinesis://transactions?region=us-east-1 (1-128 of a-z A-Z 0-9 _ . -)`,
    );
  }
  const leaseTable = url.searchParams.get("leaseTable") ?? undefined;
  if (leaseTable !== undefined && !TABLE_NAME.test(leaseTable)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `kinesis://${stream}: leaseTable=${leaseTable} is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)`,
    );
  }
  const envelope = url.searchParams.get("envelope") ?? "true";
  if (envelope !== "true" && envelope !== "false") {
    throw new SwitchyardError(
      "InvalidArgument",
      `kinesis://${stream}: envelope=${envelope} must be true or false`,
    );
  }
  const maxRecords = positiveParam(url, "maxRecords", DEFAULT_MAX_RECORDS);
  if (maxRecords > MAX_GET_RECORDS) {
    throw new SwitchyardError(
      "InvalidArgument",
      `kinesis://${stream}: maxRecords=${maxRecords} is more than GetRecords returns (${MAX_GET_RECORDS}) — use at most ${MAX_GET_RECORDS}`,
    );
  }
  return {
    stream,
    kinesis: clientSettings(url, "KINESIS", env),
    dynamodb: clientSettings(url, "DYNAMODB", env, "leaseEndpoint"),
    leaseTable,
    failoverMs: positiveParam(url, "failoverMs", DEFAULT_FAILOVER_MS),
    envelope: envelope === "true",
    createShards: booleanParam(url, "create", false) ? positiveParam(url, "shards", 1) : undefined,
    maxRecords,
  };
}

/** The lease table a group uses when the URL names none: one per group and stream. */
export function defaultLeaseTable(group: string, stream: string): string {
  const name = `${group}-${stream}`.replace(/[^a-zA-Z0-9_.-]/g, "_");
  return name.length >= 3 ? name.slice(0, 255) : `${name}___`.slice(0, 3);
}
