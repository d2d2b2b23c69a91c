import type { Adapter } from "../driver/adapter.js";

/** The adapters every registry starts with: the embedded default that needs no install. */
export function builtInAdapters(): Adapter[] {
  return [];
}
