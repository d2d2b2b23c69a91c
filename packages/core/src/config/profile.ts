import { SwitchyardError } from "../errors.js";
import type { Environment } from "./interpolate.js";
import { didYouMean } from "./suggest.js";
import { DEFAULT_PROFILE, PROFILE_SECTIONS } from "./types.js";
import type { ProfileConfig, SwitchyardConfig } from "./types.js";

const TOP_LEVEL_KEYS = ["adapters", "profiles"];
const SECTIONS: readonly string[] = Object.values(PROFILE_SECTIONS);

/** The variable that picks a profile when no option does. */
export const PROFILE_VARIABLE = "SWITCHYARD_PROFILE";

/** The profile name to use: the option, else `SWITCHYARD_PROFILE`, else `local`. */
export function chooseProfile(option: string | undefined, env: Environment): string {
  if (option !== undefined && option !== "") return option;
  const fromEnv = env[PROFILE_VARIABLE];
  return fromEnv === undefined || fromEnv === "" ? DEFAULT_PROFILE : fromEnv;
}

/**
 * Where the chosen profile name came from, for messages: `optionName` (what the
 * caller calls its option, e.g. "--profile") when the option gave it, else
 * `SWITCHYARD_PROFILE`, else "the default".
 */
export function profileOrigin(option: string | undefined, env: Environment, optionName: string): string {
  if (option !== undefined && option !== "") return optionName;
  const fromEnv = env[PROFILE_VARIABLE];
  return fromEnv === undefined || fromEnv === "" ? "the default" : PROFILE_VARIABLE;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the shape of a config (as a file or module gave it): top-level keys,
 * profiles and their sections. Typos such as `stream:` for `streams:` are
 * InvalidArgument errors naming the accepted keys, never silently ignored.
 * `source` names the config in messages (e.g. its file name).
 */
export function checkConfig(config: unknown, source: string): asserts config is SwitchyardConfig {
  if (!isRecord(config)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${source} must hold an object with profiles — got ${typeof config}`,
    );
  }
  for (const key of Object.keys(config)) {
    if (!TOP_LEVEL_KEYS.includes(key) && key !== "$schema") {
      throw new SwitchyardError(
        "InvalidArgument",
        `${source} has an unknown key "${key}" — expected ${TOP_LEVEL_KEYS.join(", ")}`,
      );
    }
  }
  if (config.adapters !== undefined && !Array.isArray(config.adapters)) {
    throw new SwitchyardError("InvalidArgument", `${source}: adapters must be a list`);
  }
  const profiles = config.profiles;
  if (!isRecord(profiles) || Object.keys(profiles).length === 0) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${source} has no profiles — add profiles: { local: { streams: { ... } } }`,
    );
  }
  for (const [name, profile] of Object.entries(profiles)) {
    if (!isRecord(profile)) {
      throw new SwitchyardError("InvalidArgument", `${source}: profile "${name}" must be an object`);
    }
    for (const [section, resources] of Object.entries(profile)) {
      if (!SECTIONS.includes(section)) {
        throw new SwitchyardError(
          "InvalidArgument",
          `${source}: profile "${name}" has an unknown section "${section}" — sections are ${SECTIONS.join(", ")}`,
        );
      }
      if (!isRecord(resources)) {
        throw new SwitchyardError(
          "InvalidArgument",
          `${source}: profiles.${name}.${section} must map names to URLs`,
        );
      }
    }
  }
}

/**
 * The named profile; InvalidArgument listing the profiles (and the closest one)
 * when it does not exist. `origin` says where the name came from, e.g. "SWITCHYARD_PROFILE".
 */
export function selectProfile(
  config: SwitchyardConfig,
  name: string,
  source: string,
  origin?: string,
): ProfileConfig {
  const profile = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
  if (profile === undefined) {
    const names = Object.keys(config.profiles);
    const from = origin === undefined ? "" : ` (from ${origin})`;
    throw new SwitchyardError(
      "InvalidArgument",
      `profile "${name}"${from} is not in ${source} — ${didYouMean(name, names)}profiles: ${names.join(", ")}`,
    );
  }
  return profile;
}
