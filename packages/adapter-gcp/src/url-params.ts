import { SwitchyardError } from "@switchyard/core/driver";

/** Reads typed query parameters of one resource URL, refusing bad values with a message naming the URL. */
export class UrlParams {
  readonly #params: URLSearchParams;
  readonly #where: string;

  /** Reads `url`'s query; `where` names the resource in errors. */
  constructor(url: URL, where: string) {
    this.#params = url.searchParams;
    this.#where = where;
  }

  /** An InvalidArgument error about this URL. */
  bad(message: string): SwitchyardError {
    return new SwitchyardError("InvalidArgument", `${this.#where}: ${message}`);
  }

  /** A text parameter, or undefined when absent. */
  text(name: string): string | undefined {
    return this.#params.get(name) ?? undefined;
  }

  /** An integer parameter of at least `min` (and at most `max`), or `fallback` when absent. */
  int(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.#params.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      throw this.bad(`"${name}" must be an integer ${range}, got "${raw}"`);
    }
    return n;
  }

  /** A boolean parameter (`true`/`false`/`1`/`0`, or bare `name` for true), or `fallback` when absent. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.#params.get(name);
    if (raw === null) return fallback;
    if (raw === "true" || raw === "1" || raw === "") return true;
    if (raw === "false" || raw === "0") return false;
    throw this.bad(`"${name}" must be true or false, got "${raw}"`);
  }

  /** One of `choices`, or `fallback` when absent. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const raw = this.#params.get(name);
    if (raw === null) return fallback;
    if (!(choices as readonly string[]).includes(raw)) {
      throw this.bad(`"${name}" must be one of ${choices.join(", ")}, got "${raw}"`);
    }
    return raw as T;
  }
}

/** The path segments of a URL after its host, decoded; empty segments dropped. */
export function pathSegments(url: URL): string[] {
  return url.pathname
    .split("/")
    .filter((s) => s !== "")
    .map((s) => decodeURIComponent(s));
}
