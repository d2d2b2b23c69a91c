import type { PipelineContext } from "@switchyard/core";
import type { CardState } from "./card-state.js";
import { cardKey, observeCard } from "./card-state.js";
import { cardStateCodec } from "./card-state-codec.js";
import { CARD_TTL_MS, FEATURE_COUNT, writeFeatures } from "./features.js";
import type { Transaction } from "./schema.js";

/** The profile's state store holding each card's state. */
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
  /** Reads card states, one per key in order. */
  getMany(keys: readonly string[]): Promise<(CardState | undefined)[]>;
  /** Writes card states. */
  putMany(entries: readonly { key: string; value: CardState; ttlMs: number }[]): Promise<unknown>;
}

/**
 * The pipeline's enrich step: {@link cardFeatures} over the profile's
 * `features` store, card states in the binary {@link cardStateCodec}.
 */
export function withCardFeatures(
  batch: Transaction[],
  context: PipelineContext,
): Promise<FeaturedTransaction[]> {
  return cardFeatures(batch, context.state(FEATURES_STORE, { codec: cardStateCodec }));
}

/**
 * Computes each transaction's features from its card's state (one value per
 * card: its current and previous bucket's spending and its profile). Per batch
 * it makes two state calls whatever the batch holds: one read of the batch's
 * cards and one write of their new states. Transactions of one card within the
 * batch see each other in order, exactly as record-by-record processing would.
 */
export async function cardFeatures(
  batch: Transaction[],
  store: CardStateAccess,
): Promise<FeaturedTransaction[]> {
  const n = batch.length;
  const states = new Map<number, CardState | undefined>();
  for (let i = 0; i < n; i++) states.set(batch[i]!.card, undefined);
  const cards = [...states.keys()];
  const stored = await store.getMany(cards.map(cardKey));
  for (let i = 0; i < cards.length; i++) states.set(cards[i]!, stored[i]);

  const matrix = new Float32Array(n * FEATURE_COUNT);
  const out = new Array<FeaturedTransaction>(n);
  for (let i = 0; i < n; i++) {
    const tx = batch[i]!;
    const { profile, window, next } = observeCard(states.get(tx.card), tx);
    states.set(tx.card, next);
    const offset = i * FEATURE_COUNT;
    writeFeatures(tx, profile, window, matrix, offset);
    out[i] = { tx, features: matrix.subarray(offset, offset + FEATURE_COUNT) };
  }
  const writes = new Array<{ key: string; value: CardState; ttlMs: number }>(cards.length);
  for (let i = 0; i < cards.length; i++) {
    writes[i] = { key: cardKey(cards[i]!), value: states.get(cards[i]!)!, ttlMs: CARD_TTL_MS };
  }
  await store.putMany(writes);
  return out;
}
