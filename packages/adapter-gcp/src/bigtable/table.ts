import { Bigtable } from "@google-cloud/bigtable";
import type { Table } from "@google-cloud/bigtable";
import { SwitchyardError } from "@switchyard/core/driver";
import type { BigtableSettings } from "./settings.js";

/** A table handle and the client it came from. */
export interface TableHandle {
  client: Bigtable;
  table: Table;
  /** Whether the handle built the client (and so closes it). */
  ownsClient: boolean;
}

/**
 * Opens the table a URL names on an injected `Bigtable` client or a new one
 * (Application Default Credentials; `BIGTABLE_EMULATOR_HOST` selects the emulator).
 */
export function openTable(settings: BigtableSettings, injected: unknown): TableHandle {
  if (injected !== undefined && !(injected instanceof Bigtable)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${settings.where}: the injected client must be a Bigtable from @google-cloud/bigtable`,
    );
  }
  // The client's own metrics export needs Cloud Monitoring, which neither emulators nor most apps want.
  const client = injected ?? new Bigtable({ projectId: settings.project, metricsEnabled: false });
  const table = client.instance(settings.instance).table(settings.table);
  return { client, table, ownsClient: injected === undefined };
}

/**
 * Checks the table exists, creating it with the column family (keeping one
 * version per column, plus `gcMaxAgeSeconds` if set) when `create=true`.
 * A missing table is NotFound naming the fix.
 */
export async function ensureTable(handle: TableHandle, settings: BigtableSettings): Promise<void> {
  const [exists] = await handle.table.exists();
  if (exists) return;
  if (!settings.create) {
    throw new SwitchyardError(
      "NotFound",
      `${settings.where}: table "${settings.table}" does not exist in instance ${settings.instance} — create it ` +
        `(cbt createtable ${settings.table} families=${settings.family}:maxversions=1) or add create=true to the URL`,
    );
  }
  const rule =
    settings.gcMaxAgeSeconds > 0
      ? { versions: 1, age: { seconds: settings.gcMaxAgeSeconds }, union: true }
      : { versions: 1 };
  try {
    await handle.table.create({ families: [{ name: settings.family, rule }] });
  } catch (err) {
    // Another instance created it first.
    if ((err as { code?: unknown }).code !== 6) throw err;
  }
}
