import type {
  ModelDriver,
  StateCapabilities,
  StateStoreDriver,
  TimeSeriesDriver,
} from "@switchyard/core/driver";

/**
 * A provider SDK client class, as `as()` takes it. A harness names the class its
 * driver must hand out through `as()`, or `null` when the driver wraps no
 * provider client (then `as()` must return `undefined` for every class).
 */
export type ClientClass = (abstract new (...args: never[]) => unknown) | null;

/** What every conformance harness gives its suite: a fresh driver per test, and cleanup. */
export interface DriverHarness<D> {
  /** The adapter's name in test titles, e.g. `redis`. */
  name: string;
  /** Opens a driver on a fresh, empty resource (a new table, key prefix or measurement) for one test. */
  create(): Promise<D>;
  /** Removes what `create` made; runs after each test, once the driver is closed. */
  cleanup?(): Promise<void>;
  /**
   * Opens a driver on a resource that does not exist, so the suite can check
   * that opening it, its `probe` or its first call fails with NotFound. Omit
   * only when the backend creates resources on first use; say so in the adapter's docs.
   */
  createMissing?(): Promise<D>;
  /** The provider client class `as()` must return an instance of (see {@link ClientClass}). */
  client: ClientClass;
  /** Whether the driver implements the optional `probe()`; checked both ways. */
  probe: boolean;
  /** Per-test timeout in ms, for slow servers. Default 20000. */
  timeoutMs?: number;
}

/** What an adapter gives {@link runStateStoreConformance}. */
export interface StateStoreHarness extends DriverHarness<StateStoreDriver> {
  /**
   * The capabilities the adapter claims. The suite checks, both ways, that the
   * driver declares exactly these, that each declared one works and that each
   * undeclared one is refused.
   */
  capabilities: Pick<StateCapabilities, "cas" | "ttl" | "increment">;
  /** The time to live the TTL tests use, in ms. Default 300; raise it for backends that expire in whole seconds. */
  ttlMs?: number;
}

/** What an adapter gives {@link runModelConformance}. */
export interface ModelHarness extends DriverHarness<ModelDriver> {
  /** At least two valid inputs whose outputs differ, so that a misaligned batch cannot pass. */
  inputs: readonly unknown[];
  /** An input the model must refuse with InvalidArgument, e.g. the wrong number of features. */
  badInput: unknown;
  /**
   * Whether two outputs are the same prediction. Default: deep equality. Pass a
   * tolerance when batched and single calls may differ in the last bits.
   */
  same?(a: unknown, b: unknown): boolean;
}

/** What an adapter gives {@link runTimeSeriesConformance}. */
export interface TimeSeriesHarness extends DriverHarness<TimeSeriesDriver> {
  /**
   * Whether the driver implements `query`. Checked both ways; when true, the
   * suite reads written points back.
   */
  query: boolean;
  /** How long written points may take to become visible to `query`, in ms. Default 5000. */
  visibleWithinMs?: number;
}
