/**
 * Kinesis for tests: kinesalite (a root npm devDependency), in memory, on
 * 127.0.0.1. It has no enhanced fan-out, no throttling and no ChildShards.
 */
import type { ServiceDefinition } from "../harness/service.js";
import { requirePackage, startNodeEmulator } from "./aws/node-emulator.js";

/** The variable tests read: `http://127.0.0.1:<port>`. */
export const KINESALITE_ENDPOINT_ENV = "SWITCHYARD_KINESALITE_ENDPOINT";

/** The kinesalite service definition. */
export const kinesalite: ServiceDefinition = {
  name: "kinesalite",
  install: async () => requirePackage("kinesalite"),
  startLocal: () =>
    startNodeEmulator("kinesalite", KINESALITE_ENDPOINT_ENV, {
      createStreamMs: 50,
      deleteStreamMs: 50,
      updateStreamMs: 50,
      shardLimit: 100,
    }),
};
