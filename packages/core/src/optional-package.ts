/**
 * Packages core lists as optional peers (the ONNX runtime, the gRPC stack):
 * installed only by projects that use the models needing them, and imported
 * only when such a model is opened.
 */

/**
 * Whether `err`, thrown by an `import()`, says the package `specifier` itself
 * cannot be found — not one of its own imports, and not a module that failed
 * while loading.
 */
export function isMissingPackage(err: unknown, specifier: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  const message = err instanceof Error ? err.message : "";
  return message.includes(`'${specifier}'`) || message.includes(`"${specifier}"`);
}
