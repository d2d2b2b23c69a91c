import { CosmosClient } from "@azure/cosmos";
import { EventHubProducerClient } from "@azure/event-hubs";
import type {
  Adapter,
  DriverContext,
  ModelDriver,
  SchemeHandler,
  StateStoreDriver,
  StreamDriver,
  TimeSeriesDriver,
} from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { AzureMlEndpoint } from "./azure-ml/endpoint.js";
import { AZUREML_PARAMS, parseAzureMlUrl } from "./azure-ml/options.js";
import type { AzureMlDefaults } from "./azure-ml/options.js";
import { COSMOS_PARAMS, parseCosmosUrl } from "./cosmos/options.js";
import type { CosmosDefaults } from "./cosmos/options.js";
import { CosmosStateStore } from "./cosmos/state-store.js";
import { CosmosTimeSeries } from "./cosmos/time-series.js";
import { EVENTHUBS_PARAMS, parseEventHubsUrl } from "./event-hubs/options.js";
import type { EventHubsDefaults } from "./event-hubs/options.js";
import { EventHubsStream } from "./event-hubs/stream.js";

/** Options of the Azure adapter: defaults per service, which URL parameters override. */
export interface AzureAdapterOptions {
  /** Defaults for every `eventhubs://` stream (connection string, credential, checkpoint store …). */
  eventHubs?: EventHubsDefaults;
  /** Defaults for every `cosmos://` resource (connection string, key, credential …). */
  cosmos?: CosmosDefaults;
  /** Defaults for every `azureml://` endpoint (key or credential). */
  azureMl?: AzureMlDefaults;
}

function injected<T>(
  context: DriverContext,
  type: abstract new (...args: never[]) => T,
  what: string,
): T | undefined {
  if (context.client === undefined) return undefined;
  if (context.client instanceof type) return context.client;
  throw new SwitchyardError(
    "InvalidArgument",
    `resource "${context.name}": the injected client must be ${what}`,
  );
}

/**
 * The Azure adapter: registers `eventhubs://namespace/hub` streams and
 * `cosmos://account/database/container` state stores and time-series sinks, and `azureml://host/score` model endpoints. Add
 * `azure()` to the config's adapters.
 */
export function azure(options: AzureAdapterOptions = {}): Adapter {
  const eventHubs: SchemeHandler<"stream"> = {
    kind: "stream",
    scheme: "eventhubs",
    params: EVENTHUBS_PARAMS,
    async create(url: URL, context: DriverContext): Promise<StreamDriver> {
      const resolved = parseEventHubsUrl(url, options.eventHubs);
      const client = injected(context, EventHubProducerClient, "an @azure/event-hubs EventHubProducerClient");
      return EventHubsStream.open(resolved, client === undefined ? {} : { client });
    },
  };
  const cosmosState: SchemeHandler<"state"> = {
    kind: "state",
    scheme: "cosmos",
    params: COSMOS_PARAMS,
    async create(url: URL, context: DriverContext): Promise<StateStoreDriver> {
      const resolved = parseCosmosUrl(url, options.cosmos ?? {}, process.env, "/id");
      const client = injected(context, CosmosClient, "an @azure/cosmos CosmosClient");
      return CosmosStateStore.open(resolved, client === undefined ? {} : { client });
    },
  };
  const cosmosTimeSeries: SchemeHandler<"timeseries"> = {
    kind: "timeseries",
    scheme: "cosmos",
    params: COSMOS_PARAMS,
    async create(url: URL, context: DriverContext): Promise<TimeSeriesDriver> {
      const resolved = parseCosmosUrl(url, options.cosmos ?? {}, process.env, "/pk");
      const client = injected(context, CosmosClient, "an @azure/cosmos CosmosClient");
      return CosmosTimeSeries.open(resolved, client === undefined ? {} : { client });
    },
  };
  const azureMl: SchemeHandler<"model"> = {
    kind: "model",
    scheme: "azureml",
    params: AZUREML_PARAMS,
    create(url: URL): ModelDriver {
      return new AzureMlEndpoint(parseAzureMlUrl(url, options.azureMl ?? {}, process.env));
    },
  };
  return {
    name: "@switchyard/adapter-azure",
    schemes: [eventHubs, cosmosState, cosmosTimeSeries, azureMl],
  };
}
