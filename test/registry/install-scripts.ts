/**
 * Which installed packages run a script when they are installed: the
 * dependency closure of a package in an app's node_modules, walked as Node
 * resolves it, with each package's install-time scripts.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The scripts npm runs when a package is installed. */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"] as const;

interface Manifest {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  gypfile?: boolean;
}

/** The folder `name` resolves to from a package in `from`, as Node looks it up; undefined when not installed. */
function resolvePackage(name: string, from: string, root: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/**
 * Every package in the closure of `name` as installed in `app` that has an
 * install-time script (or a binding.gyp, which npm builds), as
 * `name@version: script`. Optional dependencies that were not installed are
 * skipped; a missing required one is an error.
 */
export function installScriptsOf(app: string, name: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (pkg: string, from: string) => {
    const dir = resolvePackage(pkg, from, app);
    if (dir === undefined) throw new Error(`${pkg} is not installed where ${from} would find it`);
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    for (const script of INSTALL_SCRIPTS) {
      const command = manifest.scripts?.[script];
      if (command !== undefined) found.push(`${manifest.name}@${manifest.version}: ${script} ${command}`);
    }
    if (manifest.gypfile === true || existsSync(join(dir, "binding.gyp")))
      found.push(`${manifest.name}@${manifest.version}: binding.gyp`);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) {
      if (resolvePackage(dep, dir, app) !== undefined) visit(dep, dir);
    }
  };
  visit(name, app);
  return found;
}
