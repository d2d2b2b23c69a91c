/**
 * @switchyard/conformance — suites that prove an adapter against a real server
 * or emulator. Each `run*Conformance(harness)` registers its vitest tests, so an
 * adapter's conformance file is a harness and one call.
 */
export { runStateStoreConformance } from "./state-store.js";
export { runModelConformance } from "./model.js";
export { runTimeSeriesConformance } from "./time-series.js";
export type {
  ClientClass,
  DriverHarness,
  ModelHarness,
  StateStoreHarness,
  TimeSeriesHarness,
} from "./harness.js";
export { runStreamConformance } from "./stream.js";
export type { StreamClaims, StreamHarness, StreamUnderTest } from "./stream-harness.js";
