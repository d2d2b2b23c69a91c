/**
 * switchyard-adapter-template — a template adapter package: one driver per
 * resource kind over an in-memory toy backend. Copy it, replace the backend
 * with a provider's SDK client, and keep the conformance test green.
 */
export { template, template as default } from "./register.js";
export { ToyBackend } from "./backend.js";
export { ToyStream, TOY_STREAM_CAPABILITIES } from "./stream.js";
export { ToyState } from "./state.js";
export { ToyModel } from "./model.js";
export { ToySeries } from "./series.js";
