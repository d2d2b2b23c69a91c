/**
 * The network faults every back end is put through, one after another, while
 * the relay pipeline runs through a Toxiproxy proxy: each is applied, held for
 * a while and removed; what the run warned about meanwhile is kept per fault.
 */
import type { Proxy, Toxic } from "./toxiproxy-client.js";
import type { RelayRun } from "./relay.js";

/** A fault: toxics held for `holdMs`. */
export interface NetworkFault {
  /** What it stands for. */
  name: string;
  /** The toxics that make it. */
  toxics: Toxic[];
  /** How long it lasts, ms. */
  holdMs: number;
  /** Whether the run must warn while it lasts (a slow link need not). */
  warns: boolean;
}

/** The faults, in the order they are applied. */
export const NETWORK_FAULTS: readonly NetworkFault[] = [
  {
    name: "latency spike",
    toxics: [{ type: "latency", attributes: { latency: 800, jitter: 200 } }],
    holdMs: 4000,
    warns: false,
  },
  {
    name: "bandwidth limit",
    toxics: [
      { type: "bandwidth", attributes: { rate: 16 } },
      { type: "bandwidth", stream: "upstream", attributes: { rate: 16 } },
    ],
    holdMs: 4000,
    warns: false,
  },
  {
    name: "connection reset",
    toxics: [{ type: "reset_peer", attributes: { timeout: 0 } }],
    holdMs: 7000,
    warns: true,
  },
  {
    name: "blackhole",
    toxics: [
      { type: "timeout", attributes: { timeout: 0 } },
      { type: "timeout", stream: "upstream", attributes: { timeout: 0 } },
    ],
    holdMs: 12_000,
    warns: true,
  },
  {
    name: "half-open connection",
    toxics: [{ type: "timeout", attributes: { timeout: 0 } }],
    holdMs: 10_000,
    warns: true,
  },
];

/** What happened while one fault lasted. */
export interface FaultOutcome {
  /** The fault's name. */
  name: string;
  /** Records done while it lasted. */
  doneDuring: number;
  /** Warnings the run gave while it lasted (and in the 3 s after, as timeouts fire late). */
  warnings: string[];
  /** How much the caller's `count` grew while it lasted; 0 without one. */
  countedDuring: number;
}

/**
 * Applies each fault in turn to `proxy`, with `gapMs` of clean network between
 * them; `count` is a figure of the caller's to follow per fault (say, records
 * scored by a fallback).
 */
export async function applyFaults(
  proxy: Proxy,
  relay: RelayRun,
  faults: readonly NetworkFault[],
  gapMs: number,
  count: () => number = () => 0,
): Promise<FaultOutcome[]> {
  const outcomes: FaultOutcome[] = [];
  for (const fault of faults) {
    const warningsBefore = relay.warnings.length;
    const doneBefore = relay.processed;
    const countedBefore = count();
    await proxy.add(...fault.toxics);
    await sleep(fault.holdMs);
    const doneDuring = relay.processed - doneBefore;
    const countedDuring = count() - countedBefore;
    await proxy.clear();
    await sleep(Math.max(3000, gapMs));
    outcomes.push({
      name: fault.name,
      doneDuring,
      warnings: relay.warnings.slice(warningsBefore),
      countedDuring,
    });
  }
  return outcomes;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
