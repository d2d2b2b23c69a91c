/**
 * DynamoDB for tests: dynalite (a root npm devDependency), in memory, on
 * 127.0.0.1. It has no TTL, transactions or PartiQL.
 */
import type { ServiceDefinition } from "../harness/service.js";
import { requirePackage, startNodeEmulator } from "./aws/node-emulator.js";

/** The variable tests read: `http://127.0.0.1:<port>`. */
export const DYNALITE_ENDPOINT_ENV = "SWITCHYARD_DYNALITE_ENDPOINT";

/** The dynalite service definition. */
export const dynalite: ServiceDefinition = {
  name: "dynalite",
  install: async () => requirePackage("dynalite"),
  startLocal: () =>
    startNodeEmulator("dynalite", DYNALITE_ENDPOINT_ENV, {
      createTableMs: 50,
      deleteTableMs: 50,
      updateTableMs: 50,
    }),
};
