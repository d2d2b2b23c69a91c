import type { IncrementEntry, PipelineContext } from "@switchyard/core";
import type { CardProfile } from "./features.js";
import {
  BUCKET_MS,
  COUNTER_TTL_MS,
  FEATURE_COUNT,
  PROFILE_TTL_MS,
  amountKey,
  bucketOf,
  countKey,
  nextProfile,
  profileKey,
  writeFeatures,
} from "./features.js";
import type { Transaction } from "./schema.js";

/** The profile's state store holding card profiles and window counters. */
export const FEATURES_STORE = "features";

/** A transaction with the model's input: its feature vector. */
export interface FeaturedTransaction {
  /** The transaction. */
  tx: Transaction;
  /** Its {@link FEATURE_COUNT} features (a view into the batch's feature matrix). */
  features: Float32Array;
}

/**
 * The state operations the features need: what a `StateStore` offers, so the
 * pipeline passes its store and a hand-written loop can pass a bare driver.
 */
export interface CardStateAccess {
  /** Reads values (profiles or counters), one per key in order. */
  getMany(keys: readonly string[]): Promise<(CardProfile | number | undefined)[]>;
  /** Adds to counters, returning each new value in order. */
  incrementMany(entries: readonly IncrementEntry[]): Promise<number[]>;
  /** Writes profiles. */
  putMany(entries: readonly { key: string; value: CardProfile; ttlMs: number }[]): Promise<unknown>;
}

/** The pipeline's enrich step: {@link cardFeatures} over the profile's `features` store. */
export function withCardFeatures(
  batch: Transaction[],
  context: PipelineContext,
): Promise<FeaturedTransaction[]> {
  return cardFeatures(batch, context.state<CardProfile | number>(FEATURES_STORE));
}

/**
 * Computes each transaction's features from the card's state in the store — a profile per card and, per card and
 * 10-minute bucket, a transaction counter and an amount counter with a TTL.
 * Per batch it reads the profiles while incrementing the current buckets'
 * counters, reads the previous buckets' counters only for cards used in them,
 * and writes the profiles back. Transactions of one card within the batch see
 * each other in order, exactly as record-by-record processing would.
 */
export async function cardFeatures(
  batch: Transaction[],
  store: CardStateAccess,
): Promise<FeaturedTransaction[]> {
  const n = batch.length;
  const cards = [...new Set(batch.map((tx) => tx.card))];
  const increments = new Array<IncrementEntry>(2 * n);
  for (let i = 0; i < n; i++) {
    const { card, ts, amountCents } = batch[i]!;
    const bucket = bucketOf(ts);
    increments[2 * i] = { key: countKey(card, bucket), by: 1, ttlMs: COUNTER_TTL_MS };
    increments[2 * i + 1] = { key: amountKey(card, bucket), by: amountCents, ttlMs: COUNTER_TTL_MS };
  }
  const [profileValues, totals] = await Promise.all([
    store.getMany(cards.map(profileKey)),
    store.incrementMany(increments),
  ]);
  const stored = new Map<number, CardProfile | undefined>();
  cards.forEach((card, i) => stored.set(card, profileValues[i] as CardProfile | undefined));
  const previous = await previousBuckets(batch, stored, store);

  const counted = new Map<string, number>();
  const profiles = new Map<number, CardProfile | undefined>();
  const matrix = new Float32Array(n * FEATURE_COUNT);
  const out = new Array<FeaturedTransaction>(n);
  for (let i = 0; i < n; i++) {
    const tx = batch[i]!;
    const bucket = bucketOf(tx.ts);
    const previousCountKey = countKey(tx.card, bucket - 1);
    const previousAmountKey = amountKey(tx.card, bucket - 1);
    // A previous bucket counted into earlier in this batch is known here; otherwise it was read.
    const previousCount = counted.get(previousCountKey) ?? previous.get(previousCountKey) ?? 0;
    const previousAmount = counted.get(previousAmountKey) ?? previous.get(previousAmountKey) ?? 0;
    const count = totals[2 * i]!;
    const amountCents = totals[2 * i + 1]!;
    counted.set(increments[2 * i]!.key, count);
    counted.set(increments[2 * i + 1]!.key, amountCents);
    const profile = profiles.has(tx.card) ? profiles.get(tx.card) : stored.get(tx.card);
    const offset = i * FEATURE_COUNT;
    const window = { count: count + previousCount, amountCents: amountCents + previousAmount };
    writeFeatures(tx, profile, window, matrix, offset);
    profiles.set(tx.card, nextProfile(tx, profile));
    out[i] = { tx, features: matrix.subarray(offset, offset + FEATURE_COUNT) };
  }
  const writes = [...profiles].map(([card, profile]) => ({
    key: profileKey(card),
    value: profile!,
    ttlMs: PROFILE_TTL_MS,
  }));
  await store.putMany(writes);
  return out;
}

/**
 * Reads the previous bucket's counters of the cards whose stored profile says
 * they were used since that bucket began; every other card's previous bucket
 * is empty, so most batches skip most reads.
 */
async function previousBuckets(
  batch: Transaction[],
  stored: Map<number, CardProfile | undefined>,
  store: CardStateAccess,
): Promise<Map<string, number>> {
  const keys = new Set<string>();
  for (const tx of batch) {
    const previousBucket = bucketOf(tx.ts) - 1;
    const lastTs = stored.get(tx.card)?.lastTs;
    if (lastTs === undefined || lastTs < previousBucket * BUCKET_MS) continue;
    keys.add(countKey(tx.card, previousBucket));
    keys.add(amountKey(tx.card, previousBucket));
  }
  const found = new Map<string, number>();
  if (keys.size === 0) return found;
  const list = [...keys];
  const values = await store.getMany(list);
  list.forEach((key, i) => {
    const value = values[i];
    if (typeof value === "number") found.set(key, value);
  });
  return found;
}
