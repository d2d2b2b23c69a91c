/**
 * `npm run bench -- <name>` runs bench/<name>.bench.ts and prints its result as
 * the last line, one JSON object. `npm run bench` lists the benchmarks.
 * `npm run bench:built -- <name>` builds the packages and runs the same bench
 * on their `dist/` (as users run them) instead of the sources under `tsx`:
 * bench/tsconfig.built.json has no paths to the sources, so `@switchyard/*`
 * resolves through node_modules to each package's build. Benches therefore
 * import what they measure by package name (`@switchyard/adapter-aws`), never
 * by a path into a package's `src`; test helpers and constants may come from
 * the sources.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchResult } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();

const name = process.argv[2];
if (name === undefined) {
  console.log("benchmarks (npm run bench -- <name>):");
  for (const n of names) console.log(`  ${n}`);
  process.exit(0);
}
if (!names.includes(name)) {
  console.error(`unknown benchmark "${name}"; one of: ${names.join(", ")}`);
  process.exit(2);
}
const core = import.meta.resolve("@switchyard/core");
console.error(
  `${name}: measuring @switchyard/core from ${core.includes("/dist/") ? "its build" : "its sources"} (${core})`,
);
const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
  default: (args: string[]) => Promise<BenchResult>;
};
const result = await mod.default(process.argv.slice(3));
console.log(JSON.stringify(result));
process.exit(0);
