import { SwitchyardError } from "../errors.js";

/**
 * Reads an integer query parameter of an embedded resource URL: `undefined`
 * when absent, an InvalidArgument naming the parameter when not an integer in
 * [min, max].
 */
export function intParam(
  url: URL,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${redactedHref(url)}: "${name}" must be an integer from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
}

/**
 * The resource name a `memory://name` URL carries (its host), or `""` when it
 * names none. A path after the name is refused rather than ignored.
 */
export function memoryName(url: URL): string {
  if (url.pathname !== "" && url.pathname !== "/") {
    throw new SwitchyardError(
      "InvalidArgument",
      `${redactedHref(url)}: memory URLs take a name only (memory://name), not a path "${url.pathname}"`,
    );
  }
  return decodeURIComponent(url.host);
}

/** The URL without credentials, for error messages. */
export function redactedHref(url: URL): string {
  if (url.username === "" && url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}
