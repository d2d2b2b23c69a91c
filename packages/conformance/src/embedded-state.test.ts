import { embedded } from "@switchyard/core";
import type { StateStoreDriver } from "@switchyard/core/driver";
import { uniqueName } from "./fixtures.js";
import { runStateStoreConformance } from "./state-store.js";

const memory = embedded().schemes.find((s) => s.kind === "state" && s.scheme === "memory")!;

runStateStoreConformance({
  name: "memory://",
  capabilities: { cas: true, ttl: true, increment: true },
  client: null,
  probe: true,
  create: async () =>
    (await memory.create(new URL(`memory://${uniqueName("state")}`), {
      name: "conformance",
      baseDir: process.cwd(),
    })) as StateStoreDriver,
});
