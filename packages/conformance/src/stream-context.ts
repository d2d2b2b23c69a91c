import { Stream, raw } from "@switchyard/core";
import type { SubscribeOptions, Subscription } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";
import type { StreamHarness, StreamUnderTest } from "./stream-harness.js";

/** A stream opened for one check: the portable stream over a driver, and a way to open it again (a restart). */
export interface OpenStream {
  stream: Stream<Uint8Array>;
  driver: StreamDriver;
  /** Opens another driver on the same stream, as a restarted process would. */
  reopen: () => Promise<{ stream: Stream<Uint8Array>; driver: StreamDriver }>;
}

/** What a stream check gets: fresh streams and subscriptions that are closed and removed after it. */
export interface StreamContext {
  harness: StreamHarness;
  /** How long to wait for records that should arrive promptly, in ms. */
  wait: number;
  /** How long unsettled records of a closed consumer may take to reach the next one, in ms. */
  redeliveryMs: number;
  /** A fresh stream with `partitions` partitions. */
  fresh: (partitions?: number) => Promise<OpenStream>;
  /** Subscribes, closing the subscription after the check if the check did not. */
  subscribe: (stream: Stream<Uint8Array>, options: SubscribeOptions) => Promise<Subscription<Uint8Array>>;
  /** Remembers a driver the check opened itself, to close it after the check. */
  track: (driver: StreamDriver) => StreamDriver;
}

/** The context for one stream check. */
export function openStreamContext(
  harness: StreamHarness,
  timeoutMs: number,
): StreamContext & { dispose(): Promise<void> } {
  const drivers: StreamDriver[] = [];
  const subscriptions: Subscription<Uint8Array>[] = [];
  const created: StreamUnderTest[] = [];
  const wrap = (driver: StreamDriver) =>
    new Stream<Uint8Array>(driver, { name: "conformance", codec: raw() });
  const track = (driver: StreamDriver) => {
    drivers.push(driver);
    return driver;
  };
  return {
    harness,
    wait: Math.min(timeoutMs / 3, 15_000),
    redeliveryMs: harness.redeliveryWithinMs ?? 15_000,
    track,
    async fresh(partitions = 1) {
      const sut = await harness.create({ partitions });
      created.push(sut);
      const reopen = async () => {
        const driver = track(await sut.open());
        return { driver, stream: wrap(driver) };
      };
      return { ...(await reopen()), reopen };
    },
    async subscribe(stream, options) {
      const sub = await stream.subscribe(options);
      subscriptions.push(sub);
      return sub;
    },
    async dispose() {
      await Promise.allSettled(subscriptions.splice(0).map((s) => s.close()));
      await Promise.allSettled(drivers.splice(0).map((d) => d.close()));
      await Promise.allSettled(created.splice(0).map(async (s) => s.cleanup?.()));
    },
  };
}
