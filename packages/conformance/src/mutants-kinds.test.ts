import { describe, expect, it } from "vitest";
import { modelSuite } from "./model.js";
import { failures, firstFailure } from "./mutants/catch.js";
import { MODEL_MUTANTS, functionModelHarness } from "./mutants/model-mutants.js";
import { anySuite } from "./mutants/mutant.js";
import { STATE_MUTANTS, memoryStateHarness } from "./mutants/state-mutants.js";
import { TIME_SERIES_MUTANTS, seriesHarness } from "./mutants/time-series-mutants.js";
import { stateStoreSuite } from "./state-store.js";
import { timeSeriesSuite } from "./time-series.js";

const controls = {
  state: () => anySuite(stateStoreSuite(memoryStateHarness(() => ({})))),
  model: () => anySuite(modelSuite(functionModelHarness(() => ({})))),
  "time series (memory://)": () => anySuite(timeSeriesSuite(seriesHarness(() => ({})))),
  "time series (file:)": () => anySuite(timeSeriesSuite(seriesHarness(() => ({}), true))),
};

// Each mutant is an embedded driver with one defect; the kit must fail it.
describe("the state, model and time-series kits catch broken drivers", { timeout: 60_000 }, () => {
  for (const [kind, suite] of Object.entries(controls)) {
    it(`passes the unbroken ${kind} wrapper (the control)`, async () => {
      const failed = await failures(suite());
      expect(failed.map((f) => `${f.name}: ${String(f.error)}`)).toEqual([]);
    });
  }

  for (const mutant of [...STATE_MUTANTS, ...MODEL_MUTANTS, ...TIME_SERIES_MUTANTS]) {
    it(`fails a driver that ${mutant.name}`, async () => {
      expect(await firstFailure(mutant.suite())).toBeDefined();
    });
  }
});
