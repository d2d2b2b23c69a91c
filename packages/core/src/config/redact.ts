/** Query-parameter and connection-string key names whose values are secrets. */
const SECRET_NAME = /key|secret|token|passw|pwd|sas|sig|credential|auth/i;
/** Names that contain "key" but hold no secret. */
const NOT_SECRET = /^(key-?prefix|(partition|routing|ordering|sort|row)-?key)$/i;

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

/** The mask written in place of every secret. */
const MASK = "***";

/** The parts of a URL-like string, split without normalising anything. */
interface UrlParts {
  /** `scheme://` or `scheme:` (empty when the text has no scheme). */
  prefix: string;
  /** `user:password` before the host, when present. */
  userinfo: string | undefined;
  /** Everything up to the query. */
  rest: string;
  /** The query without `?`, when present. */
  query: string | undefined;
  /** `#...` when present. */
  fragment: string;
}

/** Splits a URL string by hand: `new URL` normalises (and for `file:` rewrites) the text users wrote. */
function splitUrl(text: string): UrlParts {
  const hash = text.indexOf("#");
  const fragment = hash === -1 ? "" : text.slice(hash);
  let body = hash === -1 ? text : text.slice(0, hash);
  const mark = body.indexOf("?");
  const query = mark === -1 ? undefined : body.slice(mark + 1);
  if (mark !== -1) body = body.slice(0, mark);

  const scheme = /^[a-z][a-z0-9+.-]*:(\/\/)?/i.exec(body);
  const prefix = scheme?.[0] ?? "";
  body = body.slice(prefix.length);
  let userinfo: string | undefined;
  if (scheme?.[1] !== undefined) {
    const authorityEnd = body.indexOf("/") === -1 ? body.length : body.indexOf("/");
    const at = body.lastIndexOf("@", authorityEnd);
    if (at !== -1) {
      userinfo = body.slice(0, at);
      body = body.slice(at + 1);
    }
  }
  return { prefix, userinfo, rest: body, query, fragment };
}

/** `user:***` when there is a password, else `***` (a lone user name is often a token). */
function maskUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(":");
  return colon === -1 ? MASK : `${userinfo.slice(0, colon)}:${MASK}`;
}

/** Masks the values of secret-named `name=value` pairs separated by `separator`. */
function maskPairs(text: string, separator: string): string {
  return text
    .split(separator)
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq === -1) return pair;
      const name = safeDecode(pair.slice(0, eq));
      return isSecretName(name) ? `${pair.slice(0, eq + 1)}${MASK}` : pair;
    })
    .join(separator);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** Whether the text is a `Name=value;Name=value` connection string rather than a URL. */
function isConnectionString(text: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(text) && text.includes("=") && text.includes(";");
}

/**
 * A URL safe to print: the password (or a lone user name) is masked, and so is
 * every query parameter named like a key, secret, token, password, SAS,
 * signature or credential. Connection strings (`Key=value;...`) are masked the
 * same way. Everything else is kept exactly as written.
 */
export function redactUrl(url: string | URL): string {
  const text = typeof url === "string" ? url : url.href;
  if (isConnectionString(text)) return maskPairs(text, ";");
  const parts = splitUrl(text);
  const userinfo = parts.userinfo === undefined ? "" : `${maskUserinfo(parts.userinfo)}@`;
  const query = parts.query === undefined ? "" : `?${maskPairs(parts.query, "&")}`;
  return `${parts.prefix}${userinfo}${parts.rest}${query}${parts.fragment}`;
}

/** The secret values a URL carries, raw and percent-decoded, longest first. */
export function secretsOf(url: string): string[] {
  const found = new Set<string>();
  const add = (value: string): void => {
    if (value === "") return;
    found.add(value);
    found.add(safeDecode(value));
  };
  if (isConnectionString(url)) {
    for (const pair of url.split(";")) {
      const eq = pair.indexOf("=");
      if (eq !== -1 && isSecretName(pair.slice(0, eq))) add(pair.slice(eq + 1));
    }
  } else {
    const parts = splitUrl(url);
    if (parts.userinfo !== undefined) {
      const colon = parts.userinfo.indexOf(":");
      add(colon === -1 ? parts.userinfo : parts.userinfo.slice(colon + 1));
    }
    for (const pair of (parts.query ?? "").split("&")) {
      const eq = pair.indexOf("=");
      if (eq !== -1 && isSecretName(safeDecode(pair.slice(0, eq)))) add(pair.slice(eq + 1));
    }
  }
  return [...found].filter((value) => value !== "").sort((a, b) => b.length - a.length);
}

/** Replaces every secret a URL carries wherever it appears in `text` (e.g. a driver's error message). */
export function scrubSecrets(text: string, url: string): string {
  let out = text;
  for (const secret of secretsOf(url)) out = out.split(secret).join(MASK);
  return out;
}
