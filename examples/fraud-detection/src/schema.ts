/** A card transaction as the payment switch publishes it. */
export interface Transaction {
  /** Unique transaction id. */
  id: number;
  /** Card id (a stand-in for the tokenised PAN). */
  card: number;
  /** Merchant id. */
  merchant: number;
  /** ISO 18245 merchant category code. */
  mcc: number;
  /** Amount in cents. */
  amountCents: number;
  /** Chip or contactless at a terminal (true) or card-not-present, e.g. online (false). */
  cardPresent: boolean;
  /** Merchant latitude, degrees. */
  lat: number;
  /** Merchant longitude, degrees. */
  lon: number;
  /** Authorisation time, ms since the epoch. */
  ts: number;
}

/**
 * The Avro schema of {@link Transaction}. Coordinates are 32-bit floats, so
 * producers round them with `Math.fround` and every consumer sees the same value.
 */
export const transactionSchema = {
  type: "record",
  name: "Transaction",
  namespace: "dev.switchyard.examples.fraud",
  fields: [
    { name: "id", type: "long" },
    { name: "card", type: "int" },
    { name: "merchant", type: "int" },
    { name: "mcc", type: "int" },
    { name: "amountCents", type: "long" },
    { name: "cardPresent", type: "boolean" },
    { name: "lat", type: "float" },
    { name: "lon", type: "float" },
    { name: "ts", type: "long" },
  ],
} as const;
