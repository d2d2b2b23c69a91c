/**
 * Which services a test run needs: those named in `SWITCHYARD_SERVICES`, else
 * those the selected test files (or files they import directly) name through
 * `describeService("x", …)`, `describeServices([…, "x", …], …)`, `serviceEnv("x")`
 * or a `SWITCHYARD_X_…` variable.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";

/**
 * The services listed in `value` (comma or space separated; `all`; `none`), or
 * undefined when `value` is unset or empty. Throws naming the known services on
 * an unknown name.
 */
export function servicesFromList(value: string | undefined, known: readonly string[]): string[] | undefined {
  const names = (value ?? "").split(/[\s,]+/).filter((n) => n !== "");
  if (names.length === 0) return undefined;
  if (names.includes("none")) return [];
  if (names.includes("all")) return [...known];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `SWITCHYARD_SERVICES names unknown services ${unknown.join(", ")}; known: ${known.join(", ")}`,
    );
  }
  return [...new Set(names)];
}

/** The services among `known` that `testFiles`, or the files they import relatively, refer to. */
export function servicesNamedIn(testFiles: readonly string[], known: readonly string[]): string[] {
  const patterns = known.map((name) => ({ name, pattern: referencePattern(name) }));
  const found = new Set<string>();
  const seen = new Set<string>();
  for (const file of testFiles) {
    for (const source of withDirectImports(file, seen)) {
      for (const { name, pattern } of patterns) if (pattern.test(source)) found.add(name);
    }
    if (found.size === known.length) break;
  }
  return known.filter((name) => found.has(name));
}

function referencePattern(name: string): RegExp {
  const quoted = `["'\`]${escape(name)}["'\`]`;
  const variable = `SWITCHYARD_${escape(name.toUpperCase().replace(/-/g, "_"))}_`;
  return new RegExp(
    `(?:serviceEnv|describeService)\\(\\s*${quoted}|describeServices\\(\\s*\\[[^\\]]*${quoted}|${variable}`,
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The text of `file` and of each file it imports with a relative path (one level deep). */
function withDirectImports(file: string, seen: Set<string>): string[] {
  const sources: string[] = [];
  const main = read(file, seen);
  if (main === undefined) return sources;
  sources.push(main);
  for (const match of main.matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = resolve(dirname(file), match[1]!).replace(/\.js$/, ".ts");
    // The harness itself names services in its docs; it says nothing about what a test needs.
    if (target.includes(`${sep}test${sep}harness${sep}`)) continue;
    const text = existsSync(target) ? read(target, seen) : undefined;
    if (text !== undefined) sources.push(text);
  }
  return sources;
}

function read(file: string, seen: Set<string>): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
