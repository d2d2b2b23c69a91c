import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { SwitchyardError } from "../errors.js";
import type { Environment } from "./interpolate.js";
import { defaultExport, importConfigModule, importWithNode } from "./load-module.js";
import type { ModuleImporter } from "./load-module.js";
import { checkConfig, chooseProfile, profileOrigin, selectProfile } from "./profile.js";
import type { SwitchyardConfig } from "./types.js";

/** The file names `loadConfig` looks for, in order of preference. */
export const CONFIG_FILE_NAMES: readonly string[] = [
  "switchyard.config.ts",
  "switchyard.config.mts",
  "switchyard.config.js",
  "switchyard.config.mjs",
  "switchyard.config.json",
  "switchyard.config.yaml",
  "switchyard.config.yml",
];

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Directory searched for a config file, and against which `file` resolves. Default `process.cwd()`. */
  cwd?: string;
  /** A config file to load instead of searching. */
  file?: string;
  /** The profile to select. Default: `SWITCHYARD_PROFILE`, else `local`. */
  profile?: string;
  /** How messages name the `profile` option, e.g. "--profile". Default "the profile option". */
  profileOption?: string;
  /** Variables for profile selection. Default `process.env`. */
  env?: Environment;
  /**
   * Imports `.ts/.mts/.js/.mjs` config files. Default: Node's `import()`, which
   * loads TypeScript only when a loader such as tsx is registered (the CLI does).
   */
  importModule?: ModuleImporter;
}

/** A config file, loaded and checked, with the profile to use. */
export interface LoadedConfig {
  /** The config as written; adapters listed by package name are imported when a resource needs them. */
  config: SwitchyardConfig;
  /** The selected profile (known to exist in `config.profiles`). */
  profile: string;
  /** The config file's absolute path. */
  file: string;
  /** The config file's directory: relative paths in URLs resolve against it. */
  baseDir: string;
}

/**
 * Finds and loads `switchyard.config.{ts,mts,js,mjs,json,yaml,yml}` (or `file`),
 * checks its shape and selects the profile: the option, else
 * `SWITCHYARD_PROFILE`, else `local`. Unknown profile → InvalidArgument listing
 * the profiles. `${ENV}` references are kept as written; the resolver
 * interpolates them per resource.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const file = findConfigFile(cwd, options.file);
  const source = basename(file);
  const baseDir = dirname(file);

  const raw = await readConfigFile(file, options.importModule ?? importWithNode);
  checkConfig(raw, source);
  const config: SwitchyardConfig = raw;
  const profile = chooseProfile(options.profile, env);
  const origin = profileOrigin(options.profile, env, options.profileOption ?? "the profile option");
  selectProfile(config, profile, source, origin);
  return { config, profile, file, baseDir };
}

function findConfigFile(cwd: string, file: string | undefined): string {
  if (file !== undefined) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) throw new SwitchyardError("NotFound", `config file ${path} does not exist`);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  const extensions = CONFIG_FILE_NAMES.map((name) => extname(name).slice(1)).join(",");
  throw new SwitchyardError(
    "NotFound",
    `no switchyard.config.{${extensions}} in ${cwd} — create one (see defineConfig) or name the file with --config <file> (loadConfig({ file }) in code)`,
  );
}

async function readConfigFile(file: string, importer: ModuleImporter): Promise<unknown> {
  const source = basename(file);
  const extension = extname(file).toLowerCase();
  if (extension === ".json" || extension === ".yaml" || extension === ".yml") {
    const text = await readFile(file, "utf8");
    try {
      return extension === ".json" ? JSON.parse(text) : parseYaml(text);
    } catch (err) {
      // Only the first line: parsers quote the offending source line, which may hold a secret.
      const detail = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
      throw new SwitchyardError("InvalidArgument", `${source} cannot be parsed: ${detail}`);
    }
  }
  const config = defaultExport(await importConfigModule(file, importer, source));
  if (config === undefined) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${source} has no default export — write export default defineConfig({ profiles: { ... } })`,
    );
  }
  return config;
}
