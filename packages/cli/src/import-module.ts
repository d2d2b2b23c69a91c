import { pathToFileURL } from "node:url";

/** True when this file runs as TypeScript source, so a TypeScript loader is already active. */
const typeScriptLoaded = import.meta.url.endsWith(".ts");

let registration: Promise<void> | undefined;

/**
 * Registers tsx for the whole process once, so config, pipeline and their
 * imports share one module graph. Both hooks are needed: a `.ts` file outside a
 * `"type": "module"` package is loaded as CommonJS.
 */
function loadTypeScript(): Promise<void> {
  registration ??= Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]).then(([esm, cjs]) => {
    esm.register();
    cjs.register();
  });
  return registration;
}

/**
 * Imports a module file by absolute path; `.ts`, `.mts` and `.cts` files are
 * compiled on the fly by tsx. Used for config files and pipeline modules.
 */
export async function importModule(file: string): Promise<unknown> {
  if (/\.[cm]?tsx?$/i.test(file) && !typeScriptLoaded) await loadTypeScript();
  return import(pathToFileURL(file).href);
}

/** A module's default export; TypeScript compiled as CommonJS nests it one level deeper. */
export function defaultExport(namespace: unknown): unknown {
  const value = (namespace as { default?: unknown } | null)?.default;
  if (typeof value === "object" && value !== null && "__esModule" in value) {
    return (value as { default?: unknown }).default;
  }
  return value;
}
