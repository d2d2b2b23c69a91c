import { embedded } from "@switchyard/core";
import { MEMORY_STREAM_CAPABILITIES } from "../../core/src/embedded/memory-stream.js";
import type { StreamDriver } from "@switchyard/core/driver";
import { runStreamConformance } from "./stream.js";
import { uniqueName } from "./stream-helpers.js";

const handler = embedded().schemes.find((s) => s.kind === "stream" && s.scheme === "memory")!;

runStreamConformance({
  name: "memory://",
  claims: {
    capabilities: MEMORY_STREAM_CAPABILITIES,
    probe: true,
    lag: true,
    nack: false,
    assignment: true,
  },
  client: null,
  create: async ({ partitions }) => {
    const url = new URL(`memory://${uniqueName("conformance")}?partitions=${partitions}`);
    return {
      open: async () =>
        (await handler.create(url, { name: "conformance", baseDir: process.cwd() })) as StreamDriver,
    };
  },
});
