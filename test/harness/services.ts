/**
 * Every emulated service the harness knows. To add one, write its
 * ServiceDefinition in `test/services/<name>.ts` and add it to this list.
 */
import { azureml } from "../services/azureml.js";
import { azurite } from "../services/azurite.js";
import { bigtable } from "../services/bigtable.js";
import { cosmos } from "../services/cosmos.js";
import { dynalite } from "../services/dynalite.js";
import { eventhubs } from "../services/eventhubs.js";
import { kafka } from "../services/kafka.js";
import { kinesalite } from "../services/kinesalite.js";
import { moto } from "../services/moto.js";
import { pubsub } from "../services/pubsub.js";
import { pythonPeers } from "../services/python-peers.js";
import { mlflow } from "../services/python-peers-mlflow.js";
import { redis } from "../services/redis.js";
import { verdaccio } from "../services/verdaccio.js";
import { toxiproxy } from "../services/toxiproxy.js";
import type { ServiceDefinition } from "./service.js";

/** The registered services, by the order their summary lines print. */
export const SERVICES: readonly ServiceDefinition[] = [
  redis,
  kafka,
  eventhubs,
  azurite,
  cosmos,
  kinesalite,
  dynalite,
  moto,
  azureml,
  pubsub,
  bigtable,
  verdaccio,
  pythonPeers,
  mlflow,
  toxiproxy,
];

/** The registered service called `name`, or undefined. */
export function findService(name: string): ServiceDefinition | undefined {
  return SERVICES.find((service) => service.name === name);
}
