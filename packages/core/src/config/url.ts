import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SwitchyardError } from "../errors.js";
import { redactUrl } from "./redact.js";

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** The scheme of a resource URL, lower-cased and without the colon, e.g. `kafka`. */
export function schemeOf(text: string): string | undefined {
  return SCHEME.exec(text)?.[1]?.toLowerCase();
}

/**
 * Parses a resource URL. A relative path after an opaque scheme
 * (`onnx:./model/fraud.onnx`, `file:scores.ndjson`) is resolved against
 * `baseDir` first, so drivers always receive an absolute path
 * (`onnx:/abs/model/fraud.onnx`, `file:///abs/scores.ndjson`) — `new URL` alone
 * would turn `file:./x` into `/x`. `file://events.ndjson` — a name where a host
 * would be — is read as the relative path it looks like, since these files are
 * always on this machine. `where` names the resource in errors.
 */
export function parseResourceUrl(text: string, baseDir: string, where: string): URL {
  const scheme = schemeOf(text);
  if (scheme === undefined) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: "${redactUrl(text)}" is not a URL — write scheme:..., e.g. memory://name, kafka://host:9092/topic or onnx:./model.onnx`,
    );
  }
  let rest = text.slice(scheme.length + 1);
  if (scheme === "file" && /^\/\/[^/]/.test(rest) && !/^\/\/localhost(?:[/?#]|$)/i.test(rest))
    rest = rest.slice(2);
  let absolute = text;
  if (rest !== "" && !rest.startsWith("/") && !rest.startsWith("?") && !rest.startsWith("#")) {
    const end = rest.search(/[?#]/);
    const path = end === -1 ? rest : rest.slice(0, end);
    const tail = end === -1 ? "" : rest.slice(end);
    const file = pathToFileURL(resolve(baseDir, decodePath(path)));
    absolute = scheme === "file" ? `${file.href}${tail}` : `${scheme}:${file.pathname}${tail}`;
  }
  try {
    return new URL(absolute);
  } catch (err) {
    throw new SwitchyardError("InvalidArgument", `${where}: "${redactUrl(text)}" is not a valid URL`, {
      cause: err,
    });
  }
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
