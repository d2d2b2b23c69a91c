import * as kit from "@switchyard/conformance";
import type { DriverByKind, ResourceKind } from "@switchyard/core/driver";
import { ToyBackend } from "./backend.js";
import { template } from "./register.js";
import { TOY_STREAM_CAPABILITIES } from "./stream.js";

let n = 0;
/** Opens `toy://<fresh name>` of one kind through the adapter, as a config would. */
async function open<K extends ResourceKind>(kind: K, query = "create=true", name = `r${++n}`) {
  const handler = template().schemes.find((s) => s.kind === kind)!;
  return (await handler.create(new URL(`toy://${name}?${query}`), { name, baseDir: "." })) as DriverByKind[K];
}

kit.runStreamConformance({
  name: "toy://",
  claims: { capabilities: TOY_STREAM_CAPABILITIES, probe: true, lag: true, nack: false, assignment: false },
  client: ToyBackend,
  timestampClock: "event",
  create: async ({ partitions }) => {
    const name = `s${++n}`;
    return { open: () => open("stream", `create=true&partitions=${partitions}`, name) };
  },
  createMissing: () => open("stream", ""),
});
kit.runStateStoreConformance({
  name: "toy://",
  capabilities: { cas: true, ttl: true, increment: false },
  client: ToyBackend,
  probe: true,
  create: () => open("state"),
  createMissing: () => open("state", ""),
});
kit.runModelConformance({
  name: "toy://",
  client: ToyBackend,
  probe: false,
  create: () => open("model", ""),
  inputs: [1, 2, 3].map((i) => [i, 0.5, -i]),
  badInput: [1, 2],
});
kit.runTimeSeriesConformance({
  name: "toy://",
  query: true,
  client: ToyBackend,
  probe: true,
  create: () => open("timeseries"),
  createMissing: () => open("timeseries", ""),
});
