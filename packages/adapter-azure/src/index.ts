/**
 * @switchyard/adapter-azure — Azure for Switchyard: Event Hubs streams with
 * checkpointed load balancing over Blob Storage, Cosmos DB state and time series, Azure ML online endpoints.
 */
export { azure } from "./register.js";
export type { AzureAdapterOptions } from "./register.js";
export { azureErrorCode } from "./errors.js";
export { EventHubsStream } from "./event-hubs/stream.js";
export type { EventHubsStreamSetup } from "./event-hubs/stream.js";
export { EventHubsConsumer } from "./event-hubs/consumer.js";
export { EVENTHUBS_PARAMS, parseEventHubsUrl } from "./event-hubs/options.js";
export type { EventHubsDefaults, EventHubsStreamOptions, LoadBalancing } from "./event-hubs/options.js";
export { CosmosStateStore } from "./cosmos/state-store.js";
export type { CosmosStateSetup } from "./cosmos/state-store.js";
export { COSMOS_PARAMS, parseCosmosUrl } from "./cosmos/options.js";
export type { CosmosDefaults, CosmosOptions } from "./cosmos/options.js";
export { CosmosTimeSeries, pointItem } from "./cosmos/time-series.js";
export type { CosmosTimeSeriesSetup } from "./cosmos/time-series.js";
export { AzureMlEndpoint, AzureMlHttpError } from "./azure-ml/endpoint.js";
export type { AzureMlOptions } from "./azure-ml/endpoint.js";
export { AZUREML_PARAMS, parseAzureMlUrl } from "./azure-ml/options.js";
export type { AzureMlDefaults } from "./azure-ml/options.js";
