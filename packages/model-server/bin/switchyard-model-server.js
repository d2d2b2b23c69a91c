#!/usr/bin/env node
/**
 * `switchyard-model-server <model.onnx> [options]`. In a clone of the
 * repository (sources and the repository's tsconfig present) it runs the
 * sources through tsx, so it works right after `npm install`, before any
 * build; an installed package ships no sources and runs its build in dist/.
 */
import { existsSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";

const source = new URL("../src/bin.ts", import.meta.url);
const repositoryTsconfig = new URL("../../../tsconfig.json", import.meta.url);

if (existsSync(source) && existsSync(repositoryTsconfig)) {
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: fileURLToPath(repositoryTsconfig) });
  await import(source.href);
} else {
  await import(new URL("../dist/bin.js", import.meta.url).href);
}
