import type { IncrementEntry, PipelineContext } from "@switchyard/core";
import type { CardProfile } from "./features.js";
import {
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
 * The pipeline's enrich step: computes each transaction's features from the
 * card's state, in three state-store calls per batch — one read of profiles and
 * previous-bucket counters, one batch of counter increments (with TTL), one
 * write of the updated profiles. Transactions of one card within the batch see
 * each other in order, exactly as record-by-record processing would.
 */
export async function withCardFeatures(
  batch: Transaction[],
  context: PipelineContext,
): Promise<FeaturedTransaction[]> {
  const store = context.state<CardProfile | number>(FEATURES_STORE);
  const n = batch.length;
  const reads = new Array<string>(3 * n);
  const increments = new Array<IncrementEntry>(2 * n);
  for (let i = 0; i < n; i++) {
    const { card, ts, amountCents } = batch[i]!;
    const bucket = bucketOf(ts);
    reads[3 * i] = profileKey(card);
    reads[3 * i + 1] = countKey(card, bucket - 1);
    reads[3 * i + 2] = amountKey(card, bucket - 1);
    increments[2 * i] = { key: countKey(card, bucket), by: 1, ttlMs: COUNTER_TTL_MS };
    increments[2 * i + 1] = { key: amountKey(card, bucket), by: amountCents, ttlMs: COUNTER_TTL_MS };
  }
  // The reads never see this batch's increments: a previous bucket that an earlier
  // transaction of the batch counted into is taken from `counted` instead.
  const [stored, totals] = await Promise.all([store.getMany(reads), store.incrementMany(increments)]);

  const counted = new Map<string, number>();
  const profiles = new Map<number, CardProfile | undefined>();
  const matrix = new Float32Array(n * FEATURE_COUNT);
  const out = new Array<FeaturedTransaction>(n);
  for (let i = 0; i < n; i++) {
    const tx = batch[i]!;
    const previousCount = counted.get(reads[3 * i + 1]!) ?? counter(stored[3 * i + 1]);
    const previousAmount = counted.get(reads[3 * i + 2]!) ?? counter(stored[3 * i + 2]);
    const count = totals[2 * i]!;
    const amountCents = totals[2 * i + 1]!;
    counted.set(increments[2 * i]!.key, count);
    counted.set(increments[2 * i + 1]!.key, amountCents);
    const profile = profiles.has(tx.card)
      ? profiles.get(tx.card)
      : (stored[3 * i] as CardProfile | undefined);
    const offset = i * FEATURE_COUNT;
    writeFeatures(
      tx,
      profile,
      { count: count + previousCount, amountCents: amountCents + previousAmount },
      matrix,
      offset,
    );
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

function counter(value: CardProfile | number | undefined): number {
  return typeof value === "number" ? value : 0;
}
