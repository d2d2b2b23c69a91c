import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { InferenceSession } from "onnxruntime-node";
import { SwitchyardError } from "../errors.js";
import type { Adapter, DriverContext, ResourceKind, SchemeHandler } from "../driver/adapter.js";
import { fileStream } from "./file-stream.js";
import { fileTimeSeries } from "./file-timeseries.js";
import { memoryStateStore } from "./memory-state.js";
import { memoryStream } from "./memory-stream.js";
import { memoryTimeSeries } from "./memory-timeseries.js";
import { onnxModel } from "./onnx-model.js";
import { intParam, memoryName, redactedHref } from "./params.js";

/** Options of {@link embedded}. */
export interface EmbeddedOptions {
  /** The clock `memory://` state stores measure TTLs against, in ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * The embedded default adapter, inside `@switchyard/core`: everything the
 * `local` profile needs, with nothing to install or start.
 *
 * | kind | URL | params |
 * | --- | --- | --- |
 * | stream | `memory://name` | `partitions` (default 1), `retention` (records per partition, default unbounded) |
 * | stream | `file:<path>` (one record per line, followed as it grows) | — |
 * | state | `memory://` or `memory://name` | — |
 * | model | `onnx:<path>` | `output` (default: the model's first output) |
 * | timeseries | `memory://` or `memory://name` | — |
 * | timeseries | `file:<path>` (NDJSON, appended) | — |
 *
 * `memory://` resources are shared by name within the process.
 */
export function embedded(options: EmbeddedOptions = {}): Adapter {
  return {
    name: "@switchyard/core",
    schemes: [
      handler({
        kind: "stream",
        scheme: "memory",
        params: ["partitions", "retention"],
        create: (url, context) => {
          refuseClient(url, context);
          const settings: { partitions?: number; retention?: number } = {};
          const partitions = intParam(url, "partitions", 1, 10_000);
          const retention = intParam(url, "retention", 1);
          if (partitions !== undefined) settings.partitions = partitions;
          if (retention !== undefined) settings.retention = retention;
          return memoryStream(memoryName(url), settings);
        },
      }),
      handler({
        kind: "stream",
        scheme: "file",
        params: [],
        create: (url, context) => {
          refuseClient(url, context);
          return fileStream(filePath(url, context.baseDir));
        },
      }),
      handler({
        kind: "state",
        scheme: "memory",
        params: [],
        create: (url, context) => {
          refuseClient(url, context);
          return memoryStateStore(memoryName(url), options.now === undefined ? {} : { now: options.now });
        },
      }),
      handler({
        kind: "model",
        scheme: "onnx",
        params: ["output"],
        create: (url, context) => {
          const output = url.searchParams.get("output");
          return onnxModel(onnxPath(url, context.baseDir), {
            ...(output === null ? {} : { output }),
            ...(context.client === undefined ? {} : { session: sessionClient(url, context.client) }),
          });
        },
      }),
      handler({
        kind: "timeseries",
        scheme: "memory",
        params: [],
        create: (url, context) => {
          refuseClient(url, context);
          return memoryTimeSeries(memoryName(url));
        },
      }),
      handler({
        kind: "timeseries",
        scheme: "file",
        params: [],
        create: (url, context) => {
          refuseClient(url, context);
          return fileTimeSeries(filePath(url, context.baseDir));
        },
      }),
    ],
  };
}

/** Checks `create` against its own kind before the handler joins the list. */
function handler<K extends ResourceKind>(h: SchemeHandler<K>): SchemeHandler {
  return h;
}

/** `onnx:/abs/model.onnx` or `onnx:./model.onnx` (relative to `baseDir`) to an absolute path. */
function onnxPath(url: URL, baseDir: string): string {
  const path = decodeURIComponent(url.pathname);
  if (url.host !== "" || path === "") {
    throw new SwitchyardError(
      "InvalidArgument",
      `${redactedHref(url)}: onnx: takes a model file path, e.g. onnx:./model/fraud.onnx`,
    );
  }
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** `file:///abs/scores.ndjson` to its path; a relative path that reached the driver resolves against `baseDir`. */
function filePath(url: URL, baseDir: string): string {
  if ((url.host !== "" && url.host !== "localhost") || url.pathname === "/" || url.pathname === "") {
    throw new SwitchyardError(
      "InvalidArgument",
      `${redactedHref(url)}: file: takes a file path on this machine, e.g. file:./events.ndjson`,
    );
  }
  return resolve(baseDir, fileURLToPath(url));
}

function sessionClient(url: URL, client: unknown): InferenceSession {
  if (typeof (client as { run?: unknown } | null)?.run !== "function") {
    throw new SwitchyardError(
      "InvalidArgument",
      `${redactedHref(url)}: the injected client is not an onnxruntime InferenceSession`,
    );
  }
  return client as InferenceSession;
}

/** In-process resources have no SDK client; one passed in would be ignored, so it is refused. */
function refuseClient(url: URL, context: DriverContext): void {
  if (context.client !== undefined) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${redactedHref(url)}: ${url.protocol} resources are built in and take no client; remove it from clients`,
    );
  }
}
