import type { Adapter, DriverByKind, ResourceKind } from "../driver/adapter.js";
import type { KnownSections } from "./names.js";

/**
 * A resource spec with an injected SDK client: the driver uses `client` instead of
 * building its own, for full control over credentials, retries and pooling.
 */
export interface ResourceUrlSpec {
  /** The resource URL, e.g. `kafka://127.0.0.1:9092/tx`. `${ENV}` is interpolated. */
  url: string;
  /** The SDK client the driver must use (e.g. a `Kafka` or `Redis` instance). */
  client?: unknown;
}

/**
 * How one named resource of a profile is given: a URL string, a URL with an
 * injected SDK client, or a driver instance built by hand (an object with
 * `capabilities`), which is used as is and never closed by Switchyard.
 */
export type ResourceSpec =
  | string
  | ResourceUrlSpec
  | DriverByKind["stream"]
  | DriverByKind["state"]
  | DriverByKind["model"]
  | DriverByKind["timeseries"];

/** One named environment: the resources a pipeline refers to by name, per kind. */
export interface ProfileConfig {
  /** Streams by name. */
  streams?: Record<string, ResourceSpec>;
  /** State stores by name. */
  state?: Record<string, ResourceSpec>;
  /** Model endpoints by name. */
  models?: Record<string, ResourceSpec>;
  /** Time-series sinks by name. */
  timeseries?: Record<string, ResourceSpec>;
}

/**
 * One entry of a config's `adapters`: an adapter object (`kafka()`), or the name
 * of an adapter package (`"@switchyard/adapter-kafka"`), imported only when the
 * profile uses one of the schemes its package.json declares.
 */
export type AdapterEntry = Adapter | string;

/** The contents of a `switchyard.config.*` file. */
export interface SwitchyardConfig {
  /**
   * Adapters that handle URL schemes beyond the built-in ones (`memory:`, `onnx:`,
   * `file:` ...): adapter objects, or package names imported on first use.
   */
  adapters?: readonly AdapterEntry[];
  /** Named profiles; `local` is the default. */
  profiles: Record<string, ProfileConfig>;
}

/** The profile section that holds each resource kind. */
export const PROFILE_SECTIONS: Readonly<Record<ResourceKind, keyof ProfileConfig>> = {
  stream: "streams",
  state: "state",
  model: "models",
  timeseries: "timeseries",
};

/** Every resource kind, in the order tools list them. */
export const RESOURCE_KINDS: readonly ResourceKind[] = ["stream", "state", "model", "timeseries"];

/** The profile used when neither an option nor `SWITCHYARD_PROFILE` names one. */
export const DEFAULT_PROFILE = "local";

/**
 * Returns the config unchanged; exists so that `switchyard.config.ts` gets type
 * checking and completion: `export default defineConfig({ profiles: { ... } })`.
 * Its type keeps the resource names, so `pipeline<typeof config>()` (or a
 * registered config, see `Register`) refuses a name no profile defines.
 */
export function defineConfig<C extends SwitchyardConfig>(config: C & KnownSections<C>): C {
  return config;
}
