import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Adapter } from "../driver/adapter.js";
import { SwitchyardError } from "../errors.js";

/**
 * What an adapter package's package.json says about it, read without importing
 * the package: `"switchyard": { "schemes": ["kafka"] }` lists the URL schemes it
 * serves, so core imports it only when a profile uses one of them.
 */
export interface AdapterManifest {
  /** The package's directory. */
  dir: string;
  /** The package.json contents. */
  pkg: PackageJson;
  /** The schemes the package declares (without colon); `undefined` when it declares none. */
  schemes: readonly string[] | undefined;
}

interface PackageJson {
  exports?: unknown;
  module?: string;
  main?: string;
  switchyard?: { schemes?: unknown };
}

/**
 * The manifest of package `name` as installed for a project in `baseDir`
 * (its `node_modules` or an ancestor's); `undefined` when it is not installed.
 */
export function readAdapterManifest(name: string, baseDir: string): AdapterManifest | undefined {
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const file = join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
      const declared = pkg.switchyard?.schemes;
      const schemes =
        Array.isArray(declared) && declared.every((s) => typeof s === "string") ? declared : undefined;
      return { dir: dirname(file), pkg, schemes };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The file `import` loads for a package: its `exports` import (or default) entry, else `module`, else `main`. */
function esmEntry(manifest: AdapterManifest): string {
  let entry: unknown = manifest.pkg.exports;
  if (typeof entry === "object" && entry !== null && "." in entry)
    entry = (entry as Record<string, unknown>)["."];
  for (let depth = 0; typeof entry === "object" && entry !== null && depth < 4; depth++) {
    const conditions = entry as Record<string, unknown>;
    entry = conditions.import ?? conditions.default;
  }
  const path = typeof entry === "string" ? entry : (manifest.pkg.module ?? manifest.pkg.main ?? "index.js");
  return join(manifest.dir, path);
}

/**
 * Imports package `name`: as core resolves it (a package installed beside core,
 * or the sources in this repository), else as installed for the project in
 * `baseDir`.
 */
async function importPackage(name: string, baseDir: string): Promise<unknown> {
  try {
    return await import(name);
  } catch (err) {
    const manifest = readAdapterManifest(name, baseDir);
    if (manifest === undefined) throw err;
    return import(pathToFileURL(esmEntry(manifest)).href);
  }
}

function isAdapter(value: unknown): value is Adapter {
  const candidate = value as Partial<Adapter> | null | undefined;
  return typeof candidate?.name === "string" && Array.isArray(candidate.schemes);
}

/**
 * The adapter an npm package provides, for configs that name packages instead of
 * calling factories: the default export, or the factory named after the package
 * (`kafka` in `@switchyard/adapter-kafka`), called without options.
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
