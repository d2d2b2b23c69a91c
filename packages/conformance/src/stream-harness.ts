import type { StreamDriver } from "@switchyard/core/driver";

/** A fresh stream for one test: open drivers to it (several, to simulate restarts), clean it up afterwards. */
export interface StreamUnderTest {
  /** Opens a new driver instance on the same stream. */
  open(): Promise<StreamDriver>;
  /** Deletes the stream and its groups. */
  cleanup?(): Promise<void>;
}

/** What an adapter gives the stream conformance suite. */
export interface StreamHarness {
  /** The adapter's name in test titles, e.g. `kafka`. */
  name: string;
  /** Creates a fresh stream with `partitions` partitions (or the most the adapter has, if fewer). */
  create(options: { partitions: number }): Promise<StreamUnderTest>;
  /** Per-test timeout in ms for slow servers (consumer group joins). Default 30000. */
  timeoutMs?: number;
}
