import type { Adapter, DriverContext, ResourceKind } from "../driver/adapter.js";
import type { StreamDriver } from "../driver/stream.js";

/** A driver a {@link recordingAdapter} built: what it was opened with, and whether it was closed. */
export type RecordedDriver = StreamDriver & { url: URL; context: DriverContext; closed: number };

/**
 * An adapter for tests of the registry and resolver, which only hand drivers
 * around: every driver it builds records its URL and context and counts `close`
 * calls. It stores nothing and talks to no service.
 */
export function recordingAdapter(
  name: string,
  schemes: readonly { kind: ResourceKind; scheme: string; params?: string[] }[],
): Adapter & { opened: RecordedDriver[] } {
  const opened: RecordedDriver[] = [];
  return {
    name,
    opened,
    schemes: schemes.map(({ kind, scheme, params = [] }) => ({
      kind,
      scheme,
      params,
      create: (url: URL, context: DriverContext) => {
        const driver = recordedDriver(url, context);
        opened.push(driver);
        return driver as never;
      },
    })),
  };
}

/** A driver instance as a config could give it directly. */
export function recordedDriver(url: URL, context: DriverContext): RecordedDriver {
  const driver: RecordedDriver = {
    url,
    context,
    closed: 0,
    capabilities: {
      ordering: "partition",
      replay: true,
      startFromTimestamp: true,
      groups: true,
      headers: true,
      settlement: "offset",
      maxRecordBytes: 1 << 20,
      maxBatchRecords: 1000,
    },
    send: async () => [],
    openConsumer: () => Promise.reject(new Error("recording drivers have no consumers")),
    errorCode: () => "Unknown",
    as: () => undefined,
    close: async () => {
      driver.closed += 1;
    },
  };
  return driver;
}
