import { pathToFileURL } from "node:url";
import { SwitchyardError } from "../errors.js";

/** Imports a module file by absolute path and resolves with its namespace. */
export type ModuleImporter = (file: string) => Promise<unknown>;

/** Node's own `import()`: enough for `.js`/`.mjs`, and for `.ts` when a TypeScript loader (tsx) is registered. */
export const importWithNode: ModuleImporter = (file) => import(pathToFileURL(file).href);

/**
 * A module's default export. A TypeScript file compiled as CommonJS arrives as
 * `{ default: { default: value } }`, so one extra level is unwrapped.
 */
export function defaultExport(namespace: unknown): unknown {
  const value = (namespace as { default?: unknown } | null)?.default;
  const inner = (value as { default?: unknown; __esModule?: unknown } | null | undefined)?.default;
  if (inner !== undefined && typeof value === "object" && value !== null && "__esModule" in value)
    return inner;
  return value;
}

/** Imports `file` with `importer`, turning Node's "cannot load TypeScript" into the fix. */
export async function importConfigModule(
  file: string,
  importer: ModuleImporter,
  source: string,
): Promise<unknown> {
  try {
    return await importer(file);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ERR_UNKNOWN_FILE_EXTENSION") {
      throw new SwitchyardError(
        "InvalidArgument",
        `cannot load ${source}: Node cannot import TypeScript by itself — use the switchyard CLI, start node with --import tsx, or write the config as .js, .json or .yaml`,
        { cause: err },
      );
    }
    const detail = err instanceof Error ? err.message : String(err);
    throw new SwitchyardError("InvalidArgument", `cannot load ${source}: ${detail}`, { cause: err });
  }
}
