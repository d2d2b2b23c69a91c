import { SwitchyardError, functionModel } from "@switchyard/core";
import { runModelConformance } from "./model.js";

runModelConformance({
  name: "functionModel",
  client: null,
  probe: false,
  create: async () =>
    functionModel((rows: number[][]) =>
      rows.map((row) => {
        if (row.length !== 3) throw new SwitchyardError("InvalidArgument", "expected 3 features");
        return row[0]! - row[1]! * 2 + row[2]! * 3;
      }),
    ),
  inputs: [
    [1, 0, 3],
    [0, 2, 0],
    [-1, 0.5, 2],
  ],
  badInput: [1, 2],
});
