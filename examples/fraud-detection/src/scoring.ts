import type { PointInput } from "@switchyard/core";
import { FEATURE_INDEX } from "./features.js";
import { MODEL_CARD } from "./model-card.js";
import type { Transaction } from "./schema.js";

/** What scored a transaction: the fraud model, or the hard rules that stand in while it is unreachable. */
export type ScoredBy = "model" | "rules";

/** A transaction with the model's fraud probability. */
export interface ScoredTransaction extends Transaction {
  /** Probability of fraud, 0–1. */
  score: number;
  /**
   * What produced `score`: `"model"`, or `"rules"` when the model endpoint was
   * unreachable and {@link ruleScore} answered instead. Set by the pipeline.
   */
  scoredBy?: ScoredBy;
}

/**
 * A transaction with its score. Every field is written out rather than spread:
 * on Node 20, `{ ...tx, score }` (a spread followed by more properties) takes a
 * slow path of about 2.5 µs per object, against 0.05 µs for this literal.
 */
export function scoredTransaction(tx: Transaction, score: number, scoredBy: ScoredBy): ScoredTransaction {
  return {
    id: tx.id,
    card: tx.card,
    merchant: tx.merchant,
    mcc: tx.mcc,
    amountCents: tx.amountCents,
    cardPresent: tx.cardPresent,
    lat: tx.lat,
    lon: tx.lon,
    ts: tx.ts,
    score,
    scoredBy,
  };
}

/** Score above which a transaction raises an alert; chosen when the model was trained. */
export const ALERT_THRESHOLD = MODEL_CARD.threshold;

/** Whether a scored transaction raises an alert. */
export function isAlert(tx: ScoredTransaction): boolean {
  return tx.score > ALERT_THRESHOLD;
}

/** The `fraud_scores` time-series point of a scored transaction: one per transaction, by merchant. */
export function scorePoint(tx: ScoredTransaction): PointInput {
  return {
    tags: { merchant: String(tx.merchant) },
    fields: { score: tx.score, amount_cents: tx.amountCents, card_present: tx.cardPresent },
    time: tx.ts,
  };
}

/**
 * A rule-based score from a feature vector, used when the model is unreachable:
 * 1 for a card-not-present burst of four or more, travel faster than an
 * airliner, or an amount far above the card's habit; 0 otherwise.
 */
export function ruleScore(features: Float32Array): number {
  const burst = features[FEATURE_INDEX.not_present_burst]! >= Math.log1p(3);
  const travel = features[FEATURE_INDEX.speed_1000kmh]! >= 1;
  const amount = features[FEATURE_INDEX.amount_z]! >= 4;
  return burst || travel || amount ? 1 : 0;
}
