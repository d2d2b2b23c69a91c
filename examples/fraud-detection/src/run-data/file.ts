import { readdir, rm, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { RunDataEngine } from "./engine.js";
import { countOf, runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/** The file a `file:` URL names, relative paths taken from `baseDir` (as the resolver does). */
function pathOf(resource: RunResource, baseDir: string): string {
  const rest = resource.url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
  return resolve(baseDir, decodeURIComponent(rest));
}

/** `file:` time series: the file's size; removal deletes the matching files. */
export const fileRunData: RunDataEngine = {
  async inspect(resource, baseDir) {
    const path = pathOf(resource, baseDir);
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    return size > 0 ? [`${resource.name} already holds ${countOf(size, "byte")} in ${path}`] : [];
  },

  async remove(pattern, baseDir) {
    const path = pathOf(pattern, baseDir);
    const matches = runNameRegExp(basename(path));
    const names = await readdir(dirname(path)).catch(() => [] as string[]);
    const doomed = names.filter((name) => matches.test(name)).map((name) => resolve(dirname(path), name));
    for (const file of doomed) await rm(file, { force: true });
    return doomed.map((file) => `file ${file}`);
  },
};
