/**
 * Test fixture: small seeded demo runs in this process, each on fresh embedded
 * streams and state, so runs on different profiles see the same input.
 */
import { resetMemoryStateStores, resetMemoryStreams, resetMemoryTimeSeries } from "@switchyard/core";
import type { DemoResult } from "./run-demo.js";
import { runDemo } from "./run-demo.js";

/** Options of {@link smallDemo}. */
export interface SmallDemoOptions {
  /** Events to produce. Default 8,000. */
  events?: number;
  /** Generator seed. Default 7. */
  seed?: number;
  /** Events per second; 0 produces as fast as the stream takes them. Default 0. */
  rate?: number;
}

/** Runs the demo on `profile` over emptied `memory://` resources, without a stats line. */
export async function smallDemo(profile: string, options: SmallDemoOptions = {}): Promise<DemoResult> {
  resetMemoryStreams();
  resetMemoryStateStores();
  resetMemoryTimeSeries();
  return runDemo(
    {
      profile,
      events: options.events ?? 8_000,
      seed: options.seed ?? 7,
      rate: options.rate ?? 0,
      json: true,
    },
    { stats: "off" },
  );
}
