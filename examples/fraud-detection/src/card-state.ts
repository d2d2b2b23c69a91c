import type { CardProfile, WindowTotals } from "./features.js";
import { bucketOf, nextProfile } from "./features.js";
import type { Transaction } from "./schema.js";

interface CardSlot {
  bucket: number;
  count: number;
  amountCents: number;
  previousCount: number;
  previousAmountCents: number;
  profile: CardProfile | undefined;
}

/**
 * Per-card rolling state in a plain `Map`, giving the same numbers as the
 * pipeline's bucketed counters and profiles in the `features` state store
 * (the current and previous bucket's count and amount, and the profile).
 * Training data is computed with it, so the model learns from the features it
 * will be served. A card's transactions must come in time order, as the
 * card-keyed stream delivers them.
 */
export class CardStateMap {
  private readonly cards = new Map<number, CardSlot>();

  /**
   * Records one transaction and returns what the features need: the card's
   * profile before it and its window totals including it.
   */
  observe(tx: Transaction): { profile: CardProfile | undefined; window: WindowTotals } {
    const bucket = bucketOf(tx.ts);
    let slot = this.cards.get(tx.card);
    if (slot === undefined) {
      slot = {
        bucket,
        count: 0,
        amountCents: 0,
        previousCount: 0,
        previousAmountCents: 0,
        profile: undefined,
      };
      this.cards.set(tx.card, slot);
    } else if (bucket !== slot.bucket) {
      const adjacent = bucket === slot.bucket + 1;
      slot.previousCount = adjacent ? slot.count : 0;
      slot.previousAmountCents = adjacent ? slot.amountCents : 0;
      slot.bucket = bucket;
      slot.count = 0;
      slot.amountCents = 0;
    }
    slot.count += 1;
    slot.amountCents += tx.amountCents;
    const profile = slot.profile;
    slot.profile = nextProfile(tx, profile);
    return {
      profile,
      window: {
        count: slot.count + slot.previousCount,
        amountCents: slot.amountCents + slot.previousAmountCents,
      },
    };
  }
}
