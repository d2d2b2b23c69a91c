import type { CardProfile, WindowTotals } from "./features.js";
import { bucketOf, nextProfile } from "./features.js";
import type { Transaction } from "./schema.js";

/**
 * Everything the features remember about one card, stored as one value under
 * {@link cardKey}: the spending of the current and the previous 10-minute
 * bucket of event time, and the card's profile.
 */
export interface CardState {
  /** The bucket `count` and `amountCents` belong to. */
  bucket: number;
  /** Transactions in `bucket`. */
  count: number;
  /** Amount in `bucket`, cents. */
  amountCents: number;
  /** Transactions in the bucket before `bucket` (0 if the card was not used in it). */
  previousCount: number;
  /** Amount in the bucket before `bucket`, cents. */
  previousAmountCents: number;
  /** The card's history after its last transaction. */
  profile: CardProfile;
}

/** What one transaction's features need, and the card's state after it. */
export interface CardObservation {
  /** The card's profile before the transaction (undefined for a card never seen). */
  profile: CardProfile | undefined;
  /** The card's window totals including the transaction. */
  window: WindowTotals;
  /** The card's state after the transaction. */
  next: CardState;
}

/** The state key of a card. */
export function cardKey(card: number): string {
  return `card:${card}`;
}

/**
 * Adds one transaction to a card's state. Pure: `state` is not changed. A
 * card's transactions must come in event-time order, as the card-keyed stream
 * delivers them. Serving and training both call exactly this.
 */
export function observeCard(state: CardState | undefined, tx: Transaction): CardObservation {
  const bucket = bucketOf(tx.ts);
  let count = 0;
  let amountCents = 0;
  let previousCount = 0;
  let previousAmountCents = 0;
  if (state !== undefined) {
    if (state.bucket === bucket) {
      ({ count, amountCents, previousCount, previousAmountCents } = state);
    } else if (state.bucket === bucket - 1) {
      previousCount = state.count;
      previousAmountCents = state.amountCents;
    }
  }
  count += 1;
  amountCents += tx.amountCents;
  const profile = state?.profile;
  return {
    profile,
    window: { count: count + previousCount, amountCents: amountCents + previousAmountCents },
    next: {
      bucket,
      count,
      amountCents,
      previousCount,
      previousAmountCents,
      profile: nextProfile(tx, profile),
    },
  };
}

/**
 * Card state in a plain `Map`, through the same {@link observeCard} as the
 * pipeline's state store. Training data is computed with it, so the model
 * learns from the features it will be served.
 */
export class CardStateMap {
  private readonly cards = new Map<number, CardState>();

  /**
   * Records one transaction and returns what the features need: the card's
   * profile before it and its window totals including it.
   */
  observe(tx: Transaction): { profile: CardProfile | undefined; window: WindowTotals } {
    const { profile, window, next } = observeCard(this.cards.get(tx.card), tx);
    this.cards.set(tx.card, next);
    return { profile, window };
  }
}
