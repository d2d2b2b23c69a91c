#!/usr/bin/env node
/**
 * The `switchyard` command. In a clone of the repository (sources and the
 * repository's tsconfig present) it runs the sources through tsx, with that
 * tsconfig mapping every @switchyard package to its sources, so `npx
 * switchyard` works right after `npm install`, before any build. An installed
 * package ships no sources and runs its build in dist/.
 */
import { existsSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";

const source = new URL("../src/main.ts", import.meta.url);
const repositoryTsconfig = new URL("../../../tsconfig.json", import.meta.url);

let cli;
if (existsSync(source) && existsSync(repositoryTsconfig)) {
  const [esm, cjs] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
  esm.register({ tsconfig: fileURLToPath(repositoryTsconfig) });
  // A .ts config outside a "type": "module" package loads as CommonJS.
  cjs.register();
  cli = await import(source.href);
} else {
  cli = await import(new URL("../dist/main.js", import.meta.url).href);
}
await cli.runCommandLine();
