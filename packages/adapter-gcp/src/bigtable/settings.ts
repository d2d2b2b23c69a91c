import { redactUrl } from "@switchyard/core";
import { UrlParams, pathSegments } from "../url-params.js";

/** Where a Bigtable resource lives, from `bigtable://project/instance/table?…`. */
export interface BigtableSettings {
  /** The Google Cloud project. */
  project: string;
  /** The Bigtable instance. */
  instance: string;
  /** The table. */
  table: string;
  /** The column family the adapter reads and writes. Default `s` for state, `f` for time series. */
  family: string;
  /** Create the table (with its column family and GC rule) when missing. Default false. */
  create: boolean;
  /** Prepended to every row key, so several stores can share a table. Default none. */
  keyPrefix: string;
  /** The app profile requests run under, if not the instance's default. */
  appProfileId: string | undefined;
  /** GC rule of created tables: cells older than this many seconds are collected (0: none). Default 0. */
  gcMaxAgeSeconds: number;
  /** The URL with any credentials masked, for messages. */
  where: string;
}

/** Query parameters every `bigtable://` URL accepts. */
export const BIGTABLE_PARAMS = ["family", "create", "keyPrefix", "appProfile", "gcMaxAgeSeconds"] as const;

const ID = /^[a-z][a-z0-9-]{1,32}$/;
const TABLE = /^[A-Za-z0-9_.-]{1,50}$/;
const FAMILY = /^[A-Za-z0-9_.-]{1,64}$/;

/** Parses `bigtable://project/instance/table?…`, refusing bad parts with a message naming the fix. */
export function bigtableSettings(url: URL, defaultFamily: string): BigtableSettings {
  const where = redactUrl(url.href);
  const params = new UrlParams(url, where);
  const project = decodeURIComponent(url.hostname);
  const segments = pathSegments(url);
  const [instance, table] = segments;
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(project) || instance === undefined || table === undefined) {
    throw params.bad("write bigtable://<project>/<instance>/<table>");
  }
  if (segments.length > 2) throw params.bad(`one table after the instance, not "${segments.join("/")}"`);
  if (!ID.test(instance)) throw params.bad(`"${instance}" is not a Bigtable instance id (2-33 of a-z 0-9 -)`);
  if (!TABLE.test(table))
    throw params.bad(`"${table}" is not a Bigtable table id (1-50 of A-Z a-z 0-9 _ . -)`);
  const family = params.text("family") ?? defaultFamily;
  if (!FAMILY.test(family)) throw params.bad(`"family" must be a column family name, got "${family}"`);
  return {
    project,
    instance,
    table,
    family,
    create: params.bool("create", false),
    keyPrefix: params.text("keyPrefix") ?? "",
    appProfileId: params.text("appProfile"),
    gcMaxAgeSeconds: params.int("gcMaxAgeSeconds", 0, 0),
    where,
  };
}
