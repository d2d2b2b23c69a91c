import type { StreamCapabilities, StreamDriver } from "@switchyard/core/driver";
import type { ClientClass } from "./harness.js";

/** A fresh stream for one test: open drivers to it (several, to simulate restarts), clean it up afterwards. */
export interface StreamUnderTest {
  /** Opens a new driver instance on the same stream. */
  open(): Promise<StreamDriver>;
  /** Deletes the stream and its groups. */
  cleanup?(): Promise<void>;
}

/**
 * What a stream adapter claims. The suite checks every claim both ways: the
 * driver declares exactly these capabilities and optional methods, each claimed
 * one works, and each unclaimed one is refused by core at startup.
 */
export interface StreamClaims {
  /** The capabilities the driver must declare, field for field. */
  capabilities: StreamCapabilities;
  /** Whether the driver implements `probe()`. */
  probe: boolean;
  /** Whether its consumers implement `lag()`. */
  lag: boolean;
  /** Whether its consumers implement `nack()` (ack settlement only). */
  nack: boolean;
  /** Whether its consumers report assignment changes through `onAssignment()`. */
  assignment: boolean;
}

/** What an adapter gives the stream conformance suite. */
export interface StreamHarness {
  /** The adapter's name in test titles, e.g. `kafka`. */
  name: string;
  /** Creates a fresh stream with `partitions` partitions (or the most the adapter has, if fewer). */
  create(options: { partitions: number }): Promise<StreamUnderTest>;
  /**
   * Opens a driver on a stream that does not exist, so the suite can check
   * that `openConsumer` and `probe` fail with NotFound. Omit only when the
   * backend creates streams on first use; say so in the adapter's docs.
   */
  createMissing?(): Promise<StreamDriver>;
  /** What the adapter claims; see {@link StreamClaims}. */
  claims: StreamClaims;
  /** The provider client class `as()` must return an instance of (see {@link ClientClass}). */
  client: ClientClass;
  /**
   * How long after a consumer closes with received but unsettled records those
   * records must reach the next consumer of the group, in ms (a session timeout,
   * an ack deadline, a lease expiry). Default 15000.
   */
  redeliveryWithinMs?: number;
  /**
   * Which clock `{ timestamp }` starts seek by, for the docs and test titles:
   * the record's event time or the broker's arrival time.
   */
  timestampClock?: "event" | "arrival";
  /** Per-test timeout in ms for slow servers (consumer group joins). Default 30000. */
  timeoutMs?: number;
}
