/**
 * `npm run bench -- <name>` runs bench/<name>.bench.ts and prints its result as
 * the last line, one JSON object. `npm run bench` lists the benchmarks.
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
const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
  default: (args: string[]) => Promise<BenchResult>;
};
const result = await mod.default(process.argv.slice(3));
console.log(JSON.stringify(result));
process.exit(0);
