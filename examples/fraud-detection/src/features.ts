import { distanceKm } from "./geo.js";
import type { Transaction } from "./schema.js";

/** A card's history, part of its state in the `features` store (`CardState`). */
export interface CardProfile {
  /** Time of the card's last transaction, ms. */
  lastTs: number;
  /** Where and when the card was last used in person. */
  present?: { lat: number; lon: number; ts: number };
  /** The card's first in-person location, taken as home. */
  home?: { lat: number; lon: number };
  /** Transactions seen. */
  n: number;
  /** Running mean of ln(amount in currency units). */
  mean: number;
  /** Running sum of squared deviations of ln(amount) (Welford). */
  m2: number;
}

/** A card's spending in the rolling window (this bucket and the one before), including the transaction being scored. */
export interface WindowTotals {
  /** Transactions in the window. */
  count: number;
  /** Amount in the window, cents. */
  amountCents: number;
}

/** Width of one window bucket, ms: the window covers the current and the previous bucket (10–20 minutes). */
export const BUCKET_MS = 10 * 60_000;
/** Time to live of a card's state: a card unused for 90 days starts afresh. */
export const CARD_TTL_MS = 90 * 24 * 3_600_000;

/** The names of the model's input features, in order; `scripts/train.py` checks it trains on the same. */
export const FEATURE_NAMES = [
  "amount_log",
  "card_present",
  "window_count_log",
  "window_amount_log",
  "not_present_burst",
  "speed_1000kmh",
  "home_distance_1000km",
  "gap_minutes_log",
  "amount_z",
  "history_log",
] as const;

/** Features per transaction. */
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** The position of each feature in the vector, by name. */
export const FEATURE_INDEX = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i])) as Record<
  (typeof FEATURE_NAMES)[number],
  number
>;

const MINUTE = 60_000;
const MAX_GAP_MINUTES = 7 * 24 * 60;
const LOCAL_RADIUS_KM = 50;
const MAX_KM = 3_000;
const MAX_Z = 10;
const PRIOR_VARIANCE = 0.5;
const PRIOR_WEIGHT = 3;

/** The bucket number of a time. */
export function bucketOf(ts: number): number {
  return Math.floor(ts / BUCKET_MS);
}

/**
 * Writes the model's feature vector for one transaction into `out` at `offset`,
 * given the card's profile before this transaction and its window totals
 * including it. Pure: serving and training call exactly this.
 */
export function writeFeatures(
  tx: Transaction,
  profile: CardProfile | undefined,
  window: WindowTotals,
  out: Float32Array,
  offset = 0,
): void {
  const amount = tx.amountCents / 100;
  const present = tx.cardPresent ? 1 : 0;
  let speedKmh = 0;
  let homeKm = 0;
  if (tx.cardPresent && profile?.present !== undefined) {
    const last = profile.present;
    const hours = Math.max(tx.ts - last.ts, MINUTE) / 3_600_000;
    // Moving across town is not travel: only distance beyond the local radius counts.
    speedKmh = Math.max(distanceKm(last.lat, last.lon, tx.lat, tx.lon) - LOCAL_RADIUS_KM, 0) / hours;
  }
  if (tx.cardPresent && profile?.home !== undefined) {
    homeKm = distanceKm(profile.home.lat, profile.home.lon, tx.lat, tx.lon);
  }
  const gapMinutes =
    profile === undefined ? MAX_GAP_MINUTES : Math.min((tx.ts - profile.lastTs) / MINUTE, MAX_GAP_MINUTES);
  let z = 0;
  if (profile !== undefined) {
    // Shrink the card's spread towards a typical one, so a short history does not make every amount look unusual.
    const std = Math.sqrt((profile.m2 + PRIOR_VARIANCE * PRIOR_WEIGHT) / (profile.n - 1 + PRIOR_WEIGHT));
    z = Math.min(Math.max((Math.log(amount) - profile.mean) / std, 0), MAX_Z);
  }
  out[offset] = Math.log1p(amount);
  out[offset + 1] = present;
  out[offset + 2] = Math.log1p(window.count);
  out[offset + 3] = Math.log1p(window.amountCents / 100);
  out[offset + 4] = (1 - present) * Math.log1p(window.count - 1);
  // Capped and linear: beyond a few thousand km (or km/h) everything is equally suspicious.
  out[offset + 5] = Math.min(speedKmh, MAX_KM) / 1000;
  out[offset + 6] = Math.min(homeKm, MAX_KM) / 1000;
  out[offset + 7] = Math.log1p(Math.max(gapMinutes, 0));
  out[offset + 8] = z;
  out[offset + 9] = Math.log1p(profile?.n ?? 0);
}

/** The card's profile after a transaction. Pure; `profile` is not changed. */
export function nextProfile(tx: Transaction, profile: CardProfile | undefined): CardProfile {
  const x = Math.log(tx.amountCents / 100);
  const n = (profile?.n ?? 0) + 1;
  const delta = x - (profile?.mean ?? 0);
  const mean = (profile?.mean ?? 0) + delta / n;
  const next: CardProfile = { lastTs: tx.ts, n, mean, m2: (profile?.m2 ?? 0) + delta * (x - mean) };
  const present = tx.cardPresent ? { lat: tx.lat, lon: tx.lon, ts: tx.ts } : profile?.present;
  const home = profile?.home ?? (tx.cardPresent ? { lat: tx.lat, lon: tx.lon } : undefined);
  if (present !== undefined) next.present = present;
  if (home !== undefined) next.home = home;
  return next;
}
