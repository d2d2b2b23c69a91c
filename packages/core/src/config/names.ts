import type { ProfileConfig, SwitchyardConfig } from "./types.js";

/**
 * The place an app registers its config's type, so that every `pipeline()`
 * checks resource names against it without a type argument:
 *
 * ```ts
 * // switchyard.config.ts
 * const config = defineConfig({ profiles: { local: { streams: { transactions: "file:./tx.ndjson" } } } });
 * export default config;
 * declare module "@switchyard/core" {
 *   interface Register {
 *     config: typeof config;
 *   }
 * }
 * ```
 */
// Empty on purpose: apps add `config` by declaration merging.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Register {}

/** The resource names a pipeline may use, per kind; plain strings when no config is known. */
export interface ResourceNames {
  /** Stream names. */
  stream: string;
  /** State store names. */
  state: string;
  /** Model endpoint names. */
  model: string;
  /** Time-series sink names. */
  timeseries: string;
}

/** The names one section (`streams`, `state` …) has in any profile of config `C`. */
type SectionNames<C extends SwitchyardConfig, S extends keyof ProfileConfig> = {
  [P in keyof C["profiles"]]: C["profiles"][P] extends { readonly [K in S]?: infer R }
    ? keyof NonNullable<R>
    : never;
}[keyof C["profiles"]] &
  string;

/**
 * The resource names of config type `C`: each kind's names from every profile
 * (a name any profile defines is accepted; whether the active profile has it
 * is checked when the pipeline starts). Any string when `C` is not a config.
 */
export type NamesOf<C> = C extends SwitchyardConfig
  ? {
      stream: SectionNames<C, "streams">;
      state: SectionNames<C, "state">;
      model: SectionNames<C, "models">;
      timeseries: SectionNames<C, "timeseries">;
    }
  : ResourceNames;

/** The config type registered through {@link Register}, or `undefined`. */
export type RegisteredConfig = Register extends { config: infer C } ? C : undefined;

/**
 * Refuses keys a profile does not have (`stream:` for `streams:`), which a
 * generic `defineConfig` would otherwise let through silently.
 */
export type KnownSections<C extends SwitchyardConfig> = {
  profiles: {
    [P in keyof C["profiles"]]: { [K in Exclude<keyof C["profiles"][P], keyof ProfileConfig>]: never };
  };
};
