/** The settings of a `timestream://database/table?…` URL. */
import { SwitchyardError } from "@switchyard/core/driver";
import { CLIENT_PARAMS, booleanParam, clientSettings } from "../client-config.js";
import type { ClientSettings } from "../client-config.js";

/** Every query parameter `timestream://` accepts. */
export const TIMESTREAM_PARAMS = [...CLIENT_PARAMS, "create"] as const;

/** A parsed `timestream://` URL. */
export interface TimestreamSettings {
  /** The database. */
  database: string;
  /** The table. */
  table: string;
  /** The Timestream write client's settings. */
  client: ClientSettings;
  /** Whether a missing database and table are created (`create=true`). */
  create: boolean;
}

const NAME = /^[a-zA-Z0-9_.-]{3,256}$/;

/** Reads a `timestream://database/table?region=…` URL; throws InvalidArgument naming the fix. */
export function parseTimestreamUrl(url: URL, env: NodeJS.ProcessEnv = process.env): TimestreamSettings {
  const database = decodeURIComponent(url.host);
  const table = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!NAME.test(database) || !NAME.test(table)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `timestream://${url.host}${url.pathname}: name a database and a table, e.g. timestream://fraud/scores (3-256 of a-z A-Z 0-9 _ . -)`,
    );
  }
  return {
    database,
    table,
    client: clientSettings(url, "TIMESTREAM_WRITE", env),
    create: booleanParam(url, "create", false),
  };
}
