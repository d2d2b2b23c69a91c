import type { ModelDriver } from "@switchyard/core/driver";
import { SwitchyardError, codeOf } from "@switchyard/core";
import { runModelConformance } from "./model.js";

/**
 * The model suite run on a model that is a plain function (a weighted sum of
 * two features), so the suite itself is checked without a model server.
 */
function linearModel(): ModelDriver {
  return {
    capabilities: { maxBatch: 8 },
    async predict(inputs) {
      return inputs.map((input, i) => {
        if (!Array.isArray(input) || input.length !== 2 || !input.every((x) => typeof x === "number")) {
          throw new SwitchyardError("InvalidArgument", `input ${i}: expected 2 numeric features`);
        }
        const [a, b] = input as [number, number];
        return 0.25 * a + 0.75 * b;
      });
    },
    errorCode: (err) => codeOf(err),
    as: () => undefined,
    close: async () => undefined,
  };
}

runModelConformance({
  name: "linear function",
  create: async () => linearModel(),
  inputs: [
    [1, 2],
    [3, 4],
    [0, 8],
  ],
  badInput: [1, 2, 3],
});
