/**
 * @switchyard/adapter-gcp — Google Cloud for Switchyard: Pub/Sub streams,
 * Bigtable state stores and time series, Vertex AI endpoints.
 */
export { gcp } from "./register.js";
export { PubSubStream } from "./pubsub/stream.js";
export type { PubSubStreamOptions } from "./pubsub/stream.js";
export { PubSubConsumer } from "./pubsub/consumer.js";
export type { PubSubSettings } from "./pubsub/settings.js";
export { BigtableStateStore } from "./bigtable/state-store.js";
export type { BigtableStateStoreOptions } from "./bigtable/state-store.js";
export { BigtableTimeSeries } from "./bigtable/time-series.js";
export type { BigtableTimeSeriesOptions } from "./bigtable/time-series.js";
export type { BigtableSettings } from "./bigtable/settings.js";
export { gcpErrorCode } from "./errors.js";
export { VertexEndpoint, VertexHttpError } from "./vertex/endpoint.js";
export type { VertexEndpointOptions } from "./vertex/endpoint.js";
export type { VertexSettings } from "./vertex/settings.js";
