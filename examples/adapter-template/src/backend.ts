/**
 * The toy backend the template's drivers talk to: plain in-process maps that
 * stand in for a provider's SDK client. A real adapter replaces this file with
 * the provider's client and keeps the drivers' shape.
 */

import type { Point } from "@switchyard/core/driver";

/** One stored stream record. */
export interface ToyRecord {
  key: string | undefined;
  value: Uint8Array;
  headers: Record<string, string>;
  timestamp: number;
}

/** A partitioned log with per-group committed offsets (what a broker keeps). */
export interface ToyLog {
  partitions: ToyRecord[][];
  /** Committed "next offset to read", per group and partition. */
  committed: Map<string, number[]>;
  /** Wakes consumers waiting for records. */
  waiters: Set<() => void>;
}

/** A stored state entry with its version and expiry. */
export interface ToyEntry {
  value: Uint8Array;
  version: string;
  expiresAt: number | undefined;
}

/**
 * The toy backend: named logs, tables and series, shared by every client in the
 * process. It plays the provider SDK client, so it is what the drivers' `as()` hands out.
 */
export class ToyBackend {
  readonly logs = new Map<string, ToyLog>();
  readonly tables = new Map<string, Map<string, ToyEntry>>();
  readonly series = new Map<string, Point[]>();
  #versions = 0;

  /** A fresh version string, never reused. */
  nextVersion(): string {
    return String(++this.#versions);
  }

  /** The log called `name`, created with `partitions` partitions on first use when `create` is set. */
  log(name: string, partitions: number, create: boolean): ToyLog | undefined {
    let log = this.logs.get(name);
    if (log === undefined && create) {
      log = {
        partitions: Array.from({ length: partitions }, () => []),
        committed: new Map(),
        waiters: new Set(),
      };
      this.logs.set(name, log);
    }
    return log;
  }
}

/** The error the toy backend throws, as a provider SDK would: a status the driver must classify. */
export class ToyError extends Error {
  constructor(
    readonly status: "not-found" | "invalid" | "too-large" | "closed",
    message: string,
  ) {
    super(message);
    this.name = "ToyError";
  }
}

/** One backend for the process, as a provider would be one service. */
export const TOY_BACKEND = new ToyBackend();
