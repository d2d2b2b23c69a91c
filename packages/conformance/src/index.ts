/**
 * @switchyard/conformance — suites that prove an adapter against a real server
 * or emulator. Each `run*Conformance(harness)` registers its checks as vitest
 * tests, so an adapter's conformance file is a harness and one call; each
 * `*Suite(harness)` returns the same checks as plain async functions, for
 * running them without vitest (see `runSuite`).
 */
export { runStateStoreConformance, stateStoreSuite } from "./state-store.js";
export { modelSuite, runModelConformance } from "./model.js";
export { runTimeSeriesConformance, timeSeriesSuite } from "./time-series.js";
export type {
  ClientClass,
  DriverHarness,
  ModelHarness,
  StateStoreHarness,
  TimeSeriesHarness,
} from "./harness.js";
export { runStreamConformance, streamSuite } from "./stream.js";
export type { StreamClaims, StreamHarness, StreamUnderTest } from "./stream-harness.js";
export { runCheck, runSuite } from "./check.js";
export type { Check, CheckOutcome, Suite } from "./check.js";
