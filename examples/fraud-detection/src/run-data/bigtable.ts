import { Bigtable } from "@google-cloud/bigtable";
import type { RunDataEngine } from "./engine.js";
import { runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/**
 * The table of a `bigtable://project/instance/table` URL (the emulator's when
 * `BIGTABLE_EMULATOR_HOST` is set) and its `keyPrefix`, with the client to close.
 */
function tableOf(resource: RunResource) {
  const url = new URL(resource.url);
  const [instance = "", table = ""] = url.pathname.replace(/^\/+/, "").split("/").map(decodeURIComponent);
  const client = new Bigtable({ projectId: decodeURIComponent(url.hostname), metricsEnabled: false });
  return {
    client,
    table: client.instance(instance).table(table),
    prefix: url.searchParams.get("keyPrefix") ?? "",
  };
}

/** Row keys under `prefix`, keys only (at most `limit`). */
async function rowKeys(
  table: ReturnType<typeof tableOf>["table"],
  prefix: string,
  limit?: number,
): Promise<string[]> {
  const [rows] = await table.getRows({
    prefix,
    ...(limit === undefined ? {} : { limit }),
    filter: [{ row: { cellLimit: 1 } }, { value: { strip: true } }],
  });
  return rows.map((row) => String(row.id));
}

/**
 * Bigtable state stores and time series, kept apart by `keyPrefix`: whether
 * rows exist under the run's prefix; removal drops the rows under every
 * matching prefix (the table stays, shared by the runs).
 */
export const bigtableRunData: RunDataEngine = {
  async inspect(resource) {
    const { client, table, prefix } = tableOf(resource);
    try {
      // Without a prefix the store is the whole table, which is not the demo's to judge.
      if (prefix === "" || !(await table.exists())[0]) return [];
      if ((await rowKeys(table, prefix, 1)).length === 0) return [];
      return [
        `${resource.name} already holds keys under "${prefix}": cards start with an earlier run's history`,
      ];
    } finally {
      await client.close();
    }
  },

  async remove(pattern) {
    const { client, table, prefix } = tableOf(pattern);
    try {
      if (!prefix.includes("*") || !(await table.exists())[0]) return [];
      const under = runNameRegExp(prefix, true);
      const runPrefixes = new Set<string>();
      for (const key of await rowKeys(table, prefix.slice(0, prefix.indexOf("*")))) {
        const match = under.exec(key);
        if (match !== null) runPrefixes.add(match[0]);
      }
      for (const runPrefix of runPrefixes) await table.deleteRows(runPrefix);
      return [...runPrefixes].sort().map((p) => `bigtable rows under ${p} in ${table.id}`);
    } finally {
      await client.close();
    }
  },
};
