import type { Adapter } from "../driver/adapter.js";
import { embedded } from "../embedded/adapter.js";
import { httpModels } from "../http-models/adapter.js";

/**
 * The adapters every registry starts with, the ones that ship inside core and
 * need no install: the embedded default (`memory:`, `onnx:`, `file:`) and the
 * HTTP model protocols (`kserve:`, `tfserving:`).
 */
export function builtInAdapters(): Adapter[] {
  return [embedded(), httpModels()];
}
