/** The settings of a `dynamodb://table?…` URL. */
import { SwitchyardError } from "@switchyard/core/driver";
import { CLIENT_PARAMS, booleanParam, clientSettings } from "../client-config.js";
import type { ClientSettings } from "../client-config.js";

/** Every query parameter `dynamodb://` accepts. */
export const DYNAMODB_PARAMS = [...CLIENT_PARAMS, "ttlAttribute", "create"] as const;

/** A parsed `dynamodb://` URL. */
export interface DynamoDBSettings {
  /** The table name. */
  table: string;
  /** The DynamoDB client's settings. */
  client: ClientSettings;
  /** The attribute the table's TTL setting names (epoch seconds). Default `ttl`. */
  ttlAttribute: string;
  /** Whether a missing table is created (`create=true`, hash key `key`, on-demand). */
  create: boolean;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
const ATTRIBUTE = /^[a-zA-Z0-9_]{1,255}$/;

/** Reads a `dynamodb://table?region=…` URL; throws InvalidArgument naming the fix on bad values. */
export function parseDynamoDBUrl(url: URL, env: NodeJS.ProcessEnv = process.env): DynamoDBSettings {
  const table = decodeURIComponent(url.host);
  if (!TABLE_NAME.test(table) || (url.pathname !== "" && url.pathname !== "/")) {
    throw new SwitchyardError(
      "InvalidArgument",
      `dynamodb://${url.host}${url.pathname}: name one table, e.g. dynamodb://features?region=us-east-1 (3-255 of a-z A-Z 0-9 _ . -)`,
    );
  }
  const ttlAttribute = url.searchParams.get("ttlAttribute") ?? "ttl";
  if (!ATTRIBUTE.test(ttlAttribute)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `dynamodb://${table}: ttlAttribute=${ttlAttribute} — use letters, digits and _`,
    );
  }
  return {
    table,
    client: clientSettings(url, "DYNAMODB", env),
    ttlAttribute,
    create: booleanParam(url, "create", false),
  };
}
