import type { Adapter } from "../driver/adapter.js";
import { httpModels } from "../http-models/adapter.js";

/** The adapters every registry starts with: the ones that ship inside core and need no install. */
export function builtInAdapters(): Adapter[] {
  return [httpModels()];
}
