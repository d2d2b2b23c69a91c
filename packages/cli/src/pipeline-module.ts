import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SwitchyardError } from "@switchyard/core";
import type { Pipeline } from "@switchyard/core";
import { defaultExport, importModule } from "./import-module.js";

/**
 * Whether a value is a pipeline definition. Checked by shape rather than
 * `instanceof`, so a pipeline built with another copy of @switchyard/core
 * (a second install, a bundled CLI) is still accepted.
 */
function isPipeline(value: unknown): value is Pipeline<unknown> {
  const candidate = value as Partial<Pipeline<unknown>> | null | undefined;
  return typeof candidate?.name === "string" && Array.isArray(candidate.steps) && "source" in candidate;
}

/** Imports a pipeline module (TypeScript or JavaScript) and returns its default export, checked to be a Pipeline. */
export async function loadPipeline(path: string, cwd: string): Promise<Pipeline<unknown>> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new SwitchyardError("NotFound", `pipeline module ${file} does not exist`);
  let namespace: unknown;
  try {
    namespace = await importModule(file);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SwitchyardError("InvalidArgument", `cannot load pipeline module ${path}: ${detail}`, {
      cause: err,
    });
  }
  const value = defaultExport(namespace);
  if (!isPipeline(value)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${path} must export a pipeline as default — export default pipeline("name").from("stream")...`,
    );
  }
  return value;
}
