import type { Adapter, SchemeHandler } from "@switchyard/core/driver";
import { BIGTABLE_PARAMS } from "./bigtable/settings.js";
import { BigtableStateStore } from "./bigtable/state-store.js";
import { BigtableTimeSeries } from "./bigtable/time-series.js";
import { PUBSUB_PARAMS } from "./pubsub/settings.js";
import { PubSubStream } from "./pubsub/stream.js";
import { VertexEndpoint } from "./vertex/endpoint.js";
import { VERTEX_PARAMS } from "./vertex/settings.js";

const pubsubScheme: SchemeHandler<"stream"> = {
  kind: "stream",
  scheme: "pubsub",
  params: PUBSUB_PARAMS,
  create: (url, context) => new PubSubStream(url, { client: context.client }),
};

const bigtableState: SchemeHandler<"state"> = {
  kind: "state",
  scheme: "bigtable",
  params: BIGTABLE_PARAMS,
  create: (url, context) => new BigtableStateStore(url, { client: context.client }),
};

const bigtableSeries: SchemeHandler<"timeseries"> = {
  kind: "timeseries",
  scheme: "bigtable",
  params: BIGTABLE_PARAMS,
  create: (url, context) => new BigtableTimeSeries(url, { client: context.client }),
};

const vertexModel: SchemeHandler<"model"> = {
  kind: "model",
  scheme: "vertex",
  params: VERTEX_PARAMS,
  create: (url, context) => new VertexEndpoint(url, { client: context.client }),
};

/**
 * The Google Cloud adapter: streams on `pubsub://project/topic`, state
 * stores and time series on `bigtable://project/instance/table`, models on
 * `vertex://project/location/endpoint` (Vertex AI). Add `gcp()`
 * to `adapters` in the config. Credentials come from Application Default
 * Credentials; `PUBSUB_EMULATOR_HOST` and
 * `BIGTABLE_EMULATOR_HOST` point the clients at the emulators.
 */
export function gcp(): Adapter {
  return {
    name: "@switchyard/adapter-gcp",
    schemes: [pubsubScheme, bigtableState, bigtableSeries, vertexModel],
  };
}
