import type { Codec } from "@switchyard/core";
import type { GeneratorOptions } from "./generator.js";
import { generateTransactions } from "./generator.js";
import type { Transaction } from "./schema.js";

/** One record for the `transactions` stream: keyed by card, so a card's transactions stay in order. */
export interface FeedRecord {
  /** The card id as text; `undefined` for corrupt records, which have no card. */
  key: string | undefined;
  /** Avro bytes, or bytes that do not decode. */
  value: Uint8Array;
}

/** What the generator planted, to score alerts and dead letters against. */
export class GroundTruth {
  /** Ids of the fraudulent transactions. */
  readonly fraudIds = new Set<number>();
  /** Transactions produced. */
  transactions = 0;
  /** Corrupt records produced. */
  corrupt = 0;

  /** Precision and recall of a set of alerted transaction ids. */
  score(alertIds: Iterable<number>): { alerts: number; precision: number; recall: number } {
    let alerts = 0;
    let hits = 0;
    for (const id of alertIds) {
      alerts++;
      if (this.fraudIds.has(id)) hits++;
    }
    return {
      alerts,
      precision: alerts === 0 ? 0 : hits / alerts,
      recall: this.fraudIds.size === 0 ? 0 : hits / this.fraudIds.size,
    };
  }
}

/** Encodes `count` generated events as stream records, noting the ground truth as it goes. */
export function* transactionFeed(
  count: number,
  codec: Codec<Transaction>,
  truth: GroundTruth,
  options: GeneratorOptions = {},
): Generator<FeedRecord> {
  for (const event of generateTransactions(count, options)) {
    if (event.kind === "corrupt") {
      truth.corrupt++;
      yield { key: undefined, value: event.bytes };
      continue;
    }
    const tx = event.transaction;
    truth.transactions++;
    if (event.fraud !== undefined) truth.fraudIds.add(tx.id);
    yield { key: String(tx.card), value: codec.encode(tx) };
  }
}
