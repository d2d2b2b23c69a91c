import { describe, expect, it } from "vitest";
import { CardStateMap } from "./card-state.js";
import type { CardProfile } from "./features.js";
import { FEATURE_COUNT, FEATURE_NAMES, nextProfile, writeFeatures } from "./features.js";
import type { Transaction } from "./schema.js";

const T0 = Date.UTC(2026, 0, 5, 12);
const MIN = 60_000;
const LONDON = { lat: 51.5, lon: -0.13 };
const NEW_YORK = { lat: 40.71, lon: -74.0 };

let nextId = 1;
function tx(over: Partial<Transaction>): Transaction {
  return {
    id: nextId++,
    card: 1,
    merchant: 1,
    mcc: 5411,
    amountCents: 4_000,
    cardPresent: true,
    ...LONDON,
    ts: T0,
    ...over,
  };
}

/** Feeds transactions through the rolling state and returns the features of the last one by name. */
function featuresAfter(...txs: Transaction[]): Record<(typeof FEATURE_NAMES)[number], number> {
  const state = new CardStateMap();
  const out = new Float32Array(FEATURE_COUNT);
  for (const t of txs) {
    const { profile, window } = state.observe(t);
    writeFeatures(t, profile, window, out);
  }
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, out[i]!])) as never;
}

describe("features", () => {
  it("counts a card's transactions and amounts in the rolling window, not older ones", () => {
    const old = tx({ ts: T0 - 60 * MIN });
    const recent = [1, 2, 3].map((i) => tx({ ts: T0 + i * MIN, amountCents: 10_000 }));
    const f = featuresAfter(old, ...recent);
    expect(f.window_count_log).toBeCloseTo(Math.log1p(3), 5);
    expect(f.window_amount_log).toBeCloseTo(Math.log1p(300), 4);
  });

  it("keeps cards apart", () => {
    const f = featuresAfter(
      tx({ card: 2, ts: T0 }),
      tx({ card: 2, ts: T0 + MIN }),
      tx({ card: 1, ts: T0 + 2 * MIN }),
    );
    expect(f.window_count_log).toBeCloseTo(Math.log1p(1), 5);
    expect(f.history_log).toBe(0);
  });

  it("sees a burst of card-not-present spending", () => {
    const burst = [0, 1, 2, 3, 4, 5].map((i) => tx({ cardPresent: false, ts: T0 + i * 30_000 }));
    expect(featuresAfter(...burst).not_present_burst).toBeCloseTo(Math.log1p(5), 5);
    expect(featuresAfter(tx({ cardPresent: false })).not_present_burst).toBe(0);
  });

  it("measures impossible travel between in-person uses, ignoring moves across town", () => {
    const flight = featuresAfter(tx({ ts: T0 }), tx({ ...NEW_YORK, ts: T0 + 60 * MIN }));
    // London to New York in an hour: both capped at 3,000 km(/h).
    expect(flight.speed_1000kmh).toBe(3);
    expect(flight.home_distance_1000km).toBe(3);
    const acrossTown = featuresAfter(tx({ ts: T0 }), tx({ lat: LONDON.lat + 0.2, ts: T0 + 2 * MIN }));
    expect(acrossTown.speed_1000kmh).toBe(0);
  });

  it("flags an amount far above the card's habit and not one within it", () => {
    const habit = [0, 1, 2, 3, 4, 5].map((i) => tx({ ts: T0 + i * 180 * MIN, amountCents: 3_500 + i * 200 }));
    expect(
      featuresAfter(...habit, tx({ ts: T0 + 2_000 * MIN, amountCents: 80_000 })).amount_z,
    ).toBeGreaterThan(3);
    expect(featuresAfter(...habit, tx({ ts: T0 + 2_000 * MIN, amountCents: 4_000 })).amount_z).toBeLessThan(
      1,
    );
  });

  it("keeps a running mean and variance of log amounts", () => {
    const amounts = [1_000, 2_000, 4_000, 8_000];
    let profile: CardProfile | undefined;
    for (const [i, a] of amounts.entries())
      profile = nextProfile(tx({ amountCents: a, ts: T0 + i }), profile);
    const logs = amounts.map((a) => Math.log(a / 100));
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    expect(profile?.mean).toBeCloseTo(mean, 10);
    expect(profile?.m2).toBeCloseTo(
      logs.reduce((s, x) => s + (x - mean) ** 2, 0),
      10,
    );
    expect(profile?.home).toEqual(LONDON);
  });
});
