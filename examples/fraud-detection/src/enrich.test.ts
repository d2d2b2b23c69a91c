import { ResourceResolver, SchemeRegistry, StateStore, embedded } from "@switchyard/core";
import { afterEach, describe, expect, it } from "vitest";
import { CardStateMap } from "./card-state.js";
import type { CardProfile } from "./features.js";
import { COUNTER_TTL_MS, FEATURE_COUNT, bucketOf, countKey, profileKey, writeFeatures } from "./features.js";
import { cardFeatures } from "./enrich.js";
import { generateTransactions } from "./generator.js";
import type { Transaction } from "./schema.js";

let clock = Date.now();
const resolvers: ResourceResolver[] = [];

async function featureStore(name: string): Promise<StateStore<CardProfile | number>> {
  const registry = new SchemeRegistry([], { builtIns: [embedded({ now: () => clock })] });
  const config = { profiles: { local: { state: { features: `memory://${name}` } } } };
  const resolver = new ResourceResolver(config, "local", { registry });
  resolvers.push(resolver);
  return new StateStore<CardProfile | number>(await resolver.open("state", "features"), { name: "features" });
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

  it("lets window counters expire while profiles stay", async () => {
    const txs = transactions(2_000, 12);
    const store = await featureStore("features-ttl");
    await cardFeatures(txs, store);
    const last = txs.at(-1)!;
    const counter = countKey(last.card, bucketOf(last.ts));
    expect(await store.getMany([counter, profileKey(last.card)])).toEqual([
      expect.any(Number),
      expect.any(Object),
    ]);
    clock += COUNTER_TTL_MS + 1;
    const [count, profile] = await store.getMany([counter, profileKey(last.card)]);
    expect(count).toBeUndefined();
    expect((profile as CardProfile).lastTs).toBe(last.ts);
  });
});
