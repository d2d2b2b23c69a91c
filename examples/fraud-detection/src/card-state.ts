import type { CardProfile, WindowTotals } from "./features.js";
import { amountKey, bucketOf, countKey, nextProfile, profileKey } from "./features.js";
import type { Transaction } from "./schema.js";

/**
 * Per-card rolling state in plain `Map`s, laid out exactly as the pipeline keeps
 * it in the `features` state store (same keys, same counters). Training data is
 * computed with it, so the model learns from the features it will be served.
 */
export class CardStateMap {
  private readonly counters = new Map<string, number>();
  private readonly profiles = new Map<string, CardProfile>();

  /**
   * Records one transaction and returns what the features need: the card's
   * profile before it and its window totals including it.
   */
  observe(tx: Transaction): { profile: CardProfile | undefined; window: WindowTotals } {
    const bucket = bucketOf(tx.ts);
    const count =
      this.add(countKey(tx.card, bucket), 1) + (this.counters.get(countKey(tx.card, bucket - 1)) ?? 0);
    const amountCents =
      this.add(amountKey(tx.card, bucket), tx.amountCents) +
      (this.counters.get(amountKey(tx.card, bucket - 1)) ?? 0);
    const key = profileKey(tx.card);
    const profile = this.profiles.get(key);
    this.profiles.set(key, nextProfile(tx, profile));
    return { profile, window: { count, amountCents } };
  }

  private add(key: string, by: number): number {
    const value = (this.counters.get(key) ?? 0) + by;
    this.counters.set(key, value);
    return value;
  }
}
