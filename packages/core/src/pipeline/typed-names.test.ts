import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineConfig } from "../config/types.js";
import { json } from "../codec/json.js";
import { pipeline } from "./builder.js";

// `npm run typecheck` compiles this file: each `@ts-expect-error` below fails the
// typecheck if the line after it compiles, so the refusals are tested, not assumed.

const config = defineConfig({
  profiles: {
    local: {
      streams: { transactions: "memory://tx", alerts: "memory://alerts" },
      state: { features: "memory://features" },
      models: { fraud: "onnx:./fraud.onnx" },
      timeseries: { scores: "file:./scores.ndjson" },
    },
    kafka: {
      streams: { transactions: "kafka://b:9092/tx", audit: "kafka://b:9092/audit" },
    },
  },
});

const Transaction = z.object({ card: z.string(), amount: z.number() });

describe("resource names from the config's type", () => {
  it("accepts the names any profile defines and refuses the others at compile time", () => {
    const fraud = pipeline<typeof config>("fraud")
      .from("transactions", { codec: json(Transaction) })
      .store("features", { key: (tx) => tx.card, value: (tx) => tx.amount })
      .infer("fraud", { input: (tx) => [tx.amount], output: (tx, score: number) => ({ ...tx, score }) })
      .to("alerts")
      .to("audit")
      .record("scores", (tx) => ({ fields: { score: tx.score } }));
    expect(fraud.steps.map((step) => step.kind)).toEqual(["store", "infer", "to", "to", "record"]);
    // defineConfig hands the config back unchanged; only its type grew.
    expect(Object.keys(config.profiles)).toEqual(["local", "kafka"]);

    // @ts-expect-error "transacions" is no stream of any profile
    pipeline<typeof config>("typo").from("transacions");
    // @ts-expect-error "alert" is no stream of any profile
    pipeline<typeof config>("typo").from("transactions").to("alert");
    const typo = pipeline<typeof config>("typo").from("transactions");
    // @ts-expect-error "feature" is no state store
    typo.store("feature", { key: () => "k", value: () => 1 });
    // @ts-expect-error "froud" is no model
    typo.infer("froud", { input: () => 1, output: () => 1 });
    // @ts-expect-error a stream name is not a time-series sink
    typo.record("alerts", () => undefined);
  });

  it("types the records from a Standard Schema given to json()", () => {
    const typed = pipeline<typeof config>("typed").from("transactions", { codec: json(Transaction) });
    typed.map((tx) => expectTypeOf(tx).toEqualTypeOf<{ card: string; amount: number }>());
  });

  it("accepts any name when no config type is known, as before", () => {
    expect(pipeline("loose").from("anything").to("whatever").source?.stream).toBe("anything");
  });

  it("refuses a profile section that does not exist, such as stream for streams", () => {
    // @ts-expect-error `stream` is not a profile section (streams is)
    defineConfig({ profiles: { local: { streams: {}, stream: { tx: "memory://tx" } } } });
  });
});
