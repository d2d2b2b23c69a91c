import { basename } from "node:path";
import { ResourceResolver, loadConfig } from "@switchyard/core";
import type { LoadedConfig } from "@switchyard/core";
import { stringOption } from "./args.js";
import type { OptionSpec, ParsedArgs } from "./args.js";
import type { CommandIO } from "./command.js";
import { importModule } from "./import-module.js";

/** The options every command that works on a profile accepts. */
export const PROFILE_OPTIONS: OptionSpec = {
  profile: { type: "string", short: "p" },
  config: { type: "string", short: "c" },
};

/** Help text for {@link PROFILE_OPTIONS}. */
export const PROFILE_OPTIONS_HELP = `  -p, --profile <name>   profile to use (default: $SWITCHYARD_PROFILE, else "local")
  -c, --config <file>    config file (default: switchyard.config.{ts,mts,js,mjs,json,yaml,yml} in the
                         current directory)`;

/** A loaded config and a resolver for its selected profile. */
export interface OpenProfile {
  /** The loaded config file. */
  loaded: LoadedConfig;
  /** The profile's resources; the caller closes it. */
  resolver: ResourceResolver;
}

/** Loads the config (TypeScript through tsx) and opens a resolver on the chosen profile. */
export async function openProfile(parsed: ParsedArgs, io: CommandIO): Promise<OpenProfile> {
  const profile = stringOption(parsed, "profile");
  const file = stringOption(parsed, "config");
  const loaded = await loadConfig({
    cwd: io.cwd,
    env: io.env,
    importModule,
    profileOption: "--profile",
    ...(profile === undefined ? {} : { profile }),
    ...(file === undefined ? {} : { file }),
  });
  const resolver = new ResourceResolver(loaded.config, loaded.profile, {
    baseDir: loaded.baseDir,
    env: io.env,
    source: basename(loaded.file),
  });
  return { loaded, resolver };
}
