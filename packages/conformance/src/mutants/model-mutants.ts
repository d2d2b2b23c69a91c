import { SwitchyardError, functionModel } from "@switchyard/core";
import type { ModelDriver } from "@switchyard/core/driver";
import type { ModelHarness } from "../harness.js";
import { modelSuite } from "../model.js";
import type { Mutant } from "./mutant.js";
import { MUTANT_TIMEOUT_MS, anySuite } from "./mutant.js";

/** One defect's changes to a model driver: fields replace the matching members. */
type ModelDefect = (inner: ModelDriver) => Partial<ModelDriver>;

/** A linear model over three features, refusing rows of any other length. */
function linear(): ModelDriver {
  return functionModel(
    (rows: number[][]) =>
      rows.map((row) => {
        if (row.length !== 3) throw new SwitchyardError("InvalidArgument", "expected 3 features");
        return row[0]! - row[1]! * 2 + row[2]! * 3;
      }),
    { maxBatch: 8 },
  );
}

/** The harness of a function model, claiming what it truly does, over drivers with `defect`. */
export function functionModelHarness(defect: ModelDefect): ModelHarness {
  return {
    name: "functionModel (mutant)",
    client: null,
    probe: false,
    timeoutMs: MUTANT_TIMEOUT_MS,
    create: async () => {
      const inner = linear();
      return {
        capabilities: inner.capabilities,
        predict: (inputs, signal) => inner.predict(inputs, signal),
        errorCode: (err) => inner.errorCode(err),
        as: (type) => inner.as(type),
        close: () => inner.close(),
        ...defect(inner),
      };
    },
    inputs: [
      [1, 0, 3],
      [0, 2, 0],
      [-1, 0.5, 2],
    ],
    badInput: [1, 2],
  };
}

const mutant = (name: string, defect: ModelDefect): Mutant => ({
  name: `model: ${name}`,
  suite: () => anySuite(modelSuite(functionModelHarness(defect))),
});

/** Broken function-model drivers, one defect each. */
export const MODEL_MUTANTS: Mutant[] = [
  mutant("returns one output too few", (d) => ({
    predict: async (inputs, signal) => (await d.predict(inputs, signal)).slice(0, -1),
  })),
  mutant("returns outputs in reverse order", (d) => ({
    predict: async (inputs, signal) => (await d.predict(inputs, signal)).reverse(),
  })),
  mutant("refuses a batch of exactly maxBatch", (d) => ({
    predict: (inputs, signal) =>
      inputs.length >= d.capabilities.maxBatch
        ? Promise.reject(new SwitchyardError("InvalidArgument", "too many"))
        : d.predict(inputs, signal),
  })),
  mutant("fails on an empty batch", (d) => ({
    predict: (inputs, signal) =>
      inputs.length === 0 ? Promise.reject(new Error("no inputs")) : d.predict(inputs, signal),
  })),
  mutant("calls bad input Internal", (d) => ({
    predict: (inputs, signal) =>
      d.predict(inputs, signal).catch((err: unknown) => {
        throw new SwitchyardError("Internal", String(err));
      }),
  })),
  mutant("declares a probe() it does not have", () => ({ probe: async () => undefined })),
  mutant("classifies nothing", () => ({ errorCode: () => "Unknown" })),
  mutant("as() answers for every class", () => ({ as: <T>() => ({}) as T })),
  mutant("keeps answering after close", () => ({ close: async () => undefined })),
];
