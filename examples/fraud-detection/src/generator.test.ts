import { describe, expect, it } from "vitest";
import type { FraudPattern, GeneratedEvent } from "./generator.js";
import { generateTransactions } from "./generator.js";

const take = (count: number, seed: number): GeneratedEvent[] => [...generateTransactions(count, { seed })];

describe("generateTransactions", () => {
  it("gives the same events for the same seed and different ones for another", () => {
    const a = take(2_000, 7);
    expect(take(2_000, 7)).toEqual(a);
    expect(take(2_000, 8)).not.toEqual(a);
  });

  it("emits exactly the requested number of events, transactions in time order with unique ids", () => {
    const events = take(30_000, 3);
    expect(events).toHaveLength(30_000);
    let lastTs = -Infinity;
    const ids = new Set<number>();
    for (const e of events) {
      if (e.kind !== "transaction") continue;
      expect(e.transaction.ts).toBeGreaterThanOrEqual(lastTs);
      lastTs = e.transaction.ts;
      ids.add(e.transaction.id);
    }
    expect(ids.size).toBe(events.filter((e) => e.kind === "transaction").length);
  });

  it("plants every fraud pattern at about one or two percent of transactions", () => {
    const counts: Record<FraudPattern, number> = { burst: 0, travel: 0, amount: 0 };
    let transactions = 0;
    for (const e of generateTransactions(100_000, { seed: 4 })) {
      if (e.kind !== "transaction") continue;
      transactions++;
      if (e.fraud !== undefined) counts[e.fraud]++;
    }
    const frauds = counts.burst + counts.travel + counts.amount;
    expect(frauds / transactions).toBeGreaterThan(0.005);
    expect(frauds / transactions).toBeLessThan(0.03);
    expect(Math.min(counts.burst, counts.travel, counts.amount)).toBeGreaterThan(50);
  });

  it("makes bursts of card-not-present spending on one card within minutes", () => {
    const burst = take(100_000, 5).flatMap((e) =>
      e.kind === "transaction" && e.fraud === "burst" ? [e.transaction] : [],
    );
    const card = burst[0]!.card;
    const episode = burst.filter((tx) => tx.card === card && tx.ts - burst[0]!.ts < 15 * 60_000);
    expect(episode.length).toBeGreaterThanOrEqual(4);
    expect(episode.every((tx) => !tx.cardPresent)).toBe(true);
  });

  it("mixes in the requested share of corrupt records", () => {
    const corrupt = [...generateTransactions(50_000, { seed: 6, corruptRate: 0.01 })].filter(
      (e) => e.kind === "corrupt",
    );
    expect(corrupt.length).toBeGreaterThan(350);
    expect(corrupt.length).toBeLessThan(650);
    expect(take(20_000, 6).filter((e) => e.kind === "corrupt").length).toBeGreaterThan(0);
    expect([...generateTransactions(5_000, { corruptRate: 0 })].some((e) => e.kind === "corrupt")).toBe(
      false,
    );
  });

  it("rounds coordinates to 32-bit floats so the Avro round trip keeps them", () => {
    for (const e of take(1_000, 9)) {
      if (e.kind === "transaction") expect(Math.fround(e.transaction.lat)).toBe(e.transaction.lat);
    }
  });
});
