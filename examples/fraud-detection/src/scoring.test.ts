import { describe, expect, it } from "vitest";
import type { Transaction } from "./schema.js";
import { transactionSchema } from "./schema.js";
import { scoredTransaction } from "./scoring.js";

describe("scoredTransaction", () => {
  it("keeps every field of the transaction schema and adds the score and its source", () => {
    // A value per schema field, distinct from the others, so a field copied from the wrong place shows.
    const tx = Object.fromEntries(
      transactionSchema.fields.map((f, i) => [f.name, f.type === "boolean" ? i % 2 === 0 : 1000 + i]),
    ) as unknown as Transaction;
    const scored = scoredTransaction(tx, 0.42, "rules");
    expect(Object.keys(scored)).toEqual([
      ...transactionSchema.fields.map((f) => f.name),
      "score",
      "scoredBy",
    ]);
    expect(scored).toEqual({ ...tx, score: 0.42, scoredBy: "rules" });
  });
});
