import { memoryStateStore } from "../../core/src/embedded/memory-state.js";
import { uniqueName } from "./fixtures.js";
import { runStateStoreConformance } from "./state-store.js";

runStateStoreConformance({
  name: "memory",
  capabilities: { cas: true, ttl: true, increment: true },
  create: async () => memoryStateStore(uniqueName("state")),
});
