import type { ModelDriver } from "./model.js";
import type { StateStoreDriver } from "./state.js";
import type { StreamDriver } from "./stream.js";
import type { TimeSeriesDriver } from "./timeseries.js";

/** The four kinds of resource a URL can name. */
export type ResourceKind = "stream" | "state" | "model" | "timeseries";

/** The driver type each resource kind resolves to. */
export interface DriverByKind {
  stream: StreamDriver;
  state: StateStoreDriver;
  model: ModelDriver;
  timeseries: TimeSeriesDriver;
}

/** What core tells a driver factory about the resource being opened. */
export interface DriverContext {
  /** The resource's name in the profile (e.g. `transactions`). */
  name: string;
  /** Directory relative paths in URLs resolve against (the config file's directory). */
  baseDir: string;
  /**
   * An SDK client the user injected for this resource, by giving the resource
   * as `{ url, client }` instead of a URL string. The driver must use it instead
   * of building its own, must not close it, and should refuse (InvalidArgument,
   * naming the expected class) a client of the wrong type.
   */
  client?: unknown;
}

/**
 * One URL scheme an adapter handles for one resource kind. `params` lists every
 * query parameter the scheme accepts: core refuses any other at startup.
 */
export interface SchemeHandler<K extends ResourceKind = ResourceKind> {
  /** The resource kind. */
  kind: K;
  /** The scheme without the colon, e.g. `kafka`, `memory`, `onnx`. */
  scheme: string;
  /** Accepted query parameters. */
  params: readonly string[];
  /** Builds the driver. Throws a SwitchyardError (InvalidArgument / NotFound) naming the fix on bad URLs. */
  create(url: URL, context: DriverContext): DriverByKind[K] | Promise<DriverByKind[K]>;
}

/** An adapter package's registration: its name and the schemes it handles. */
export interface Adapter {
  /** The npm package name, e.g. `@switchyard/adapter-kafka`. */
  name: string;
  /** The schemes this adapter handles. */
  schemes: readonly SchemeHandler[];
}
