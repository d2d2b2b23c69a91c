import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Adapter } from "../driver/adapter.js";
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

/** Imports an npm package as installed next to the config (`baseDir`), else as core sees it. */
async function importPackage(name: string, baseDir: string): Promise<unknown> {
  try {
    const resolved = createRequire(join(baseDir, "package.json")).resolve(name);
    return await import(pathToFileURL(resolved).href);
  } catch {
    return import(name);
  }
}

function isAdapter(value: unknown): value is Adapter {
  const candidate = value as Partial<Adapter> | null | undefined;
  return typeof candidate?.name === "string" && Array.isArray(candidate.schemes);
}

/**
 * The adapter an npm package provides, for configs that name packages instead of
 * calling factories (JSON/YAML): the default export, or the factory named after
 * the package (`kafka` in `@switchyard/adapter-kafka`), called without options.
 */
export async function loadAdapterPackage(name: string, baseDir: string, source: string): Promise<Adapter> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await importPackage(name, baseDir)) as Record<string, unknown>;
  } catch (err) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${source} lists adapter "${name}", which cannot be loaded — npm install ${name}`,
      { cause: err },
    );
  }
  const factoryName = /adapter-([a-z0-9]+)$/.exec(name)?.[1];
  for (const candidate of [
    namespace.default,
    factoryName === undefined ? undefined : namespace[factoryName],
  ]) {
    const value: unknown = typeof candidate === "function" ? (candidate as () => unknown)() : candidate;
    if (isAdapter(value)) return value;
  }
  throw new SwitchyardError(
    "InvalidArgument",
    `${source} lists "${name}", which exports no adapter — expected a default export or a ${factoryName ?? "factory"}() function returning { name, schemes }`,
  );
}
