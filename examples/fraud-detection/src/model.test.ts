import { ResourceResolver } from "@switchyard/core";
import { describe, expect, it } from "vitest";
import { CardStateMap } from "./card-state.js";
import { FEATURE_COUNT, FEATURE_NAMES, writeFeatures } from "./features.js";
import { generateTransactions } from "./generator.js";
import { MODEL_CARD, MODEL_PATH } from "./model-card.js";
import { ALERT_THRESHOLD } from "./scoring.js";

describe("the committed fraud model", () => {
  it("was trained on the features the pipeline computes, in the same order", () => {
    expect(MODEL_CARD.features).toEqual([...FEATURE_NAMES]);
    expect(ALERT_THRESHOLD).toBeGreaterThan(0);
    expect(ALERT_THRESHOLD).toBeLessThan(1);
  });

  it("finds most planted fraud on a seed it never saw, with few false alarms", async () => {
    const resolver = new ResourceResolver(
      { profiles: { local: { models: { fraud: `onnx:${MODEL_PATH}` } } } },
      "local",
    );
    try {
      const model = await resolver.open("model", "fraud");
      const state = new CardStateMap();
      const inputs: Float32Array[] = [];
      const labels: boolean[] = [];
      for (const e of generateTransactions(40_000, { seed: 21 })) {
        if (e.kind !== "transaction") continue;
        const { profile, window } = state.observe(e.transaction);
        const features = new Float32Array(FEATURE_COUNT);
        writeFeatures(e.transaction, profile, window, features);
        inputs.push(features);
        labels.push(e.fraud !== undefined);
      }
      const scores: number[] = [];
      for (let i = 0; i < inputs.length; i += 4096) {
        scores.push(
          ...((await model.predict(inputs.slice(i, i + 4096), new AbortController().signal)) as number[]),
        );
      }
      const flagged = scores.map((s) => s > ALERT_THRESHOLD);
      const hits = flagged.filter((f, i) => f && labels[i]).length;
      expect(hits / flagged.filter(Boolean).length).toBeGreaterThan(0.8);
      expect(hits / labels.filter(Boolean).length).toBeGreaterThan(0.7);
    } finally {
      await resolver.close();
    }
  });
});
