import { ResourceResolver, SchemeRegistry, StateStore, embedded } from "@switchyard/core";
import { afterEach, describe, expect, it } from "vitest";
import { CardStateMap } from "./card-state.js";
import type { CardState } from "./card-state.js";
import { cardKey } from "./card-state.js";
import { cardStateCodec } from "./card-state-codec.js";
import { BUCKET_MS, CARD_TTL_MS, FEATURE_COUNT, FEATURE_INDEX, writeFeatures } from "./features.js";
import type { CardStateAccess } from "./enrich.js";
import { cardFeatures } from "./enrich.js";
import { generateTransactions } from "./generator.js";
import type { Transaction } from "./schema.js";

let clock = Date.now();
const resolvers: ResourceResolver[] = [];

async function featureStore(name: string): Promise<StateStore<CardState>> {
  const registry = new SchemeRegistry([], { builtIns: [embedded({ now: () => clock })] });
  const config = { profiles: { local: { state: { features: `memory://${name}` } } } };
  const resolver = new ResourceResolver(config, "local", { registry });
  resolvers.push(resolver);
  return new StateStore<CardState>(await resolver.open("state", "features"), {
    name: "features",
    codec: cardStateCodec,
  });
}

function transactions(count: number, seed: number): Transaction[] {
  const txs: Transaction[] = [];
  for (const e of generateTransactions(count, { seed }))
    if (e.kind === "transaction") txs.push(e.transaction);
  return txs;
}

afterEach(async () => {
  await Promise.all(resolvers.splice(0).map((r) => r.close()));
});

describe("cardFeatures", () => {
  it("computes from the state store exactly the features the model was trained on", async () => {
    // Bursts put several transactions of one card into a batch; odd batch sizes cut through them.
    const txs = transactions(30_000, 11);
    const store = await featureStore("features-equivalence");
    const reference = new CardStateMap();
    const expected = new Float32Array(FEATURE_COUNT);
    let mismatches = 0;
    for (
      let start = 0, size = 1;
      start < txs.length;
      start += size, size = size === 1 ? 1024 : size === 1024 ? 37 : 1024
    ) {
      const batch = txs.slice(start, start + size);
      const featured = await cardFeatures(batch, store);
      expect(featured.map((f) => f.tx)).toEqual(batch);
      for (const { tx, features } of featured) {
        const { profile, window } = reference.observe(tx);
        writeFeatures(tx, profile, window, expected);
        if (features.some((v, i) => v !== expected[i])) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it("makes one read and one write per batch, one key per card", async () => {
    const txs = transactions(5_000, 12).slice(0, 1024);
    const store = await featureStore("features-calls");
    const calls: string[][] = [];
    const counting: CardStateAccess = {
      getMany: (keys) => (calls.push([...keys]), store.getMany(keys)),
      putMany: (entries) => (calls.push(entries.map((e) => e.key)), store.putMany(entries)),
    };
    await cardFeatures(txs, counting);
    const cards = [...new Set(txs.map((tx) => tx.card))].map(cardKey);
    expect(calls).toEqual([cards, cards]);
  });

  it("starts a card's window afresh after an idle bucket, keeping its profile", async () => {
    const store = await featureStore("features-window");
    const tx = transactions(10, 13)[0]!;
    const first = await cardFeatures([tx], store);
    const again = await cardFeatures([{ ...tx, ts: tx.ts + 1 }], store);
    const later = await cardFeatures([{ ...tx, ts: tx.ts + 3 * BUCKET_MS }], store);
    const windowCount = FEATURE_INDEX.window_count_log;
    expect(first[0]!.features[windowCount]).toBeCloseTo(Math.log1p(1));
    expect(again[0]!.features[windowCount]).toBeCloseTo(Math.log1p(2));
    expect(later[0]!.features[windowCount]).toBeCloseTo(Math.log1p(1));
    const [state] = await store.getMany([cardKey(tx.card)]);
    expect(state!.profile.n).toBe(3);
  });

  it("forgets a card unused for the state's time to live", async () => {
    const txs = transactions(2_000, 12);
    const store = await featureStore("features-ttl");
    await cardFeatures(txs, store);
    const key = cardKey(txs.at(-1)!.card);
    expect(await store.getMany([key])).toEqual([expect.any(Object)]);
    clock += CARD_TTL_MS + 1;
    expect(await store.getMany([key])).toEqual([undefined]);
  });
});
