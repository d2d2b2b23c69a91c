import type { Adapter, DriverByKind, DriverContext, ResourceKind, SchemeHandler } from "../driver/adapter.js";
import { SwitchyardError, isAbort } from "../errors.js";
import { AdapterPackages } from "./adapter-list.js";
import { builtInAdapters } from "./built-ins.js";
import { firstPartySchemes, missingAdapterMessage } from "./missing-adapter.js";
import { redactUrl, scrubSecrets } from "./redact.js";
import { isDriverInstance, urlOfSpec } from "./spec.js";
import { didYouMean } from "./suggest.js";
import type { AdapterEntry, ResourceSpec } from "./types.js";
import { parseResourceUrl } from "./url.js";

/** What the registry needs to know to open a resource besides its URL. */
export interface OpenContext {
  /** Directory relative paths in URLs resolve against (the config file's directory). */
  baseDir: string;
}

/** Options of {@link SchemeRegistry}. */
export interface SchemeRegistryOptions {
  /** Adapters registered before the given ones. Default: core's built-in adapters (`embedded()` ...). */
  builtIns?: readonly Adapter[];
  /** How messages name the config that lists adapter packages. Default `"the config"`. */
  source?: string;
}

const PLURAL: Readonly<Record<ResourceKind, string>> = {
  stream: "streams",
  state: "state stores",
  model: "models",
  timeseries: "time-series sinks",
};

/**
 * The URL registry: which adapter builds the driver for each `scheme:` and kind.
 * Core's built-in adapters are always present; config files add the rest, as
 * adapter objects or as package names, which are imported only when a resource
 * uses one of the schemes their package.json declares. Opening a resource checks
 * the scheme and every query parameter before the adapter sees the URL, so
 * mistakes surface at startup with the fix in the message.
 */
export class SchemeRegistry {
  readonly #handlers = new Map<string, { handler: SchemeHandler; adapter: string }>();
  readonly #packages: AdapterPackages;

  /** Registers the built-ins, then the adapter objects of `adapters` in order; package names wait until needed. */
  constructor(adapters: readonly AdapterEntry[] = [], options: SchemeRegistryOptions = {}) {
    for (const adapter of options.builtIns ?? builtInAdapters()) this.register(adapter);
    const names: string[] = [];
    for (const adapter of adapters) {
      if (typeof adapter === "string") names.push(adapter);
      else this.register(adapter);
    }
    this.#packages = new AdapterPackages(names, options.source ?? "the config");
  }

  /**
   * Adds an adapter's schemes. A scheme the same package (by name) already
   * registered for the same kind is skipped, so listing a built-in adapter again
   * is harmless; two packages claiming one scheme for one kind is an InvalidArgument.
   */
  register(adapter: Adapter): this {
    checkAdapter(adapter);
    for (const handler of adapter.schemes) {
      const key = `${handler.kind}:${handler.scheme}`;
      const existing = this.#handlers.get(key);
      if (existing?.adapter === adapter.name) continue;
      if (existing !== undefined) {
        throw new SwitchyardError(
          "InvalidArgument",
          `"${handler.scheme}:" ${PLURAL[handler.kind]} are handled by both ${existing.adapter} and ${adapter.name} — keep one of them in adapters`,
        );
      }
      this.#handlers.set(key, { handler, adapter: adapter.name });
    }
    return this;
  }

  /** The registered schemes (without colon), for one kind or all, sorted. */
  schemes(kind?: ResourceKind): string[] {
    const out = new Set<string>();
    for (const { handler } of this.#handlers.values()) {
      if (kind === undefined || handler.kind === kind) out.add(handler.scheme);
    }
    return [...out].sort();
  }

  /** The handler for a scheme (without colon) and kind, if one is registered. */
  handler<K extends ResourceKind>(kind: K, scheme: string): SchemeHandler<K> | undefined {
    return this.#handlers.get(`${kind}:${scheme}`)?.handler as SchemeHandler<K> | undefined;
  }

  /**
   * Builds the driver for one resource. `spec` is a URL (already interpolated), a
   * URL with an injected client, or a driver instance, which is returned as is.
   * Throws InvalidArgument for an unknown scheme or query parameter; errors from
   * the adapter are re-thrown with the resource named and secrets masked.
   */
  async open<K extends ResourceKind>(
    kind: K,
    name: string,
    spec: ResourceSpec,
    context: OpenContext,
  ): Promise<DriverByKind[K]> {
    if (isDriverInstance(spec)) return spec as DriverByKind[K];
    const where = `${kind} "${name}"`;
    const { url: text, client } = urlOfSpec(spec, where);
    const url = parseResourceUrl(text, context.baseDir, where);
    const scheme = url.protocol.slice(0, -1);
    const handler = await this.#handlerFor(kind, scheme, where, context.baseDir);
    checkParams(url, handler, where);

    const driverContext: DriverContext = { name, baseDir: context.baseDir };
    if (client !== undefined) driverContext.client = client;
    try {
      return await handler.create(url, driverContext);
    } catch (err) {
      throw openError(err, where, text);
    }
  }

  async #handlerFor<K extends ResourceKind>(
    kind: K,
    scheme: string,
    where: string,
    baseDir: string,
  ): Promise<SchemeHandler<K>> {
    const registered = this.handler(kind, scheme);
    if (registered !== undefined) return registered;
    if (this.#packages.size > 0) {
      for (const adapter of await this.#packages.serving(scheme, baseDir)) this.register(adapter);
      const loaded = this.handler(kind, scheme);
      if (loaded !== undefined) return loaded;
    }
    const accepted = this.schemes(kind).map((s) => `${s}:`);
    const list = accepted.length === 0 ? "none" : accepted.join(" ");
    const otherKinds = [...this.#handlers.values()]
      .filter((entry) => entry.handler.scheme === scheme)
      .map((entry) => PLURAL[entry.handler.kind]);
    if (otherKinds.length > 0) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${where}: "${scheme}:" serves ${otherKinds.join(" and ")}, not ${PLURAL[kind]} — ${PLURAL[kind]} accept ${list}`,
      );
    }
    const fix = missingAdapterMessage(scheme);
    if (fix !== undefined) throw new SwitchyardError("InvalidArgument", `${where}: ${fix}`);
    const typo = didYouMean(scheme, [...this.schemes(kind), ...firstPartySchemes()], (s) => `"${s}:"`);
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: unknown scheme "${scheme}:" — ${typo}registered schemes for ${PLURAL[kind]}: ${list}; ` +
        `${typo === "" ? "" : "otherwise "}add the adapter that handles "${scheme}:" to adapters`,
    );
  }
}

function checkAdapter(adapter: unknown): asserts adapter is Adapter {
  if (typeof adapter === "function") {
    throw new SwitchyardError(
      "InvalidArgument",
      `adapters lists the function ${adapter.name || "(anonymous)"} — call it: adapters: [${adapter.name || "adapter"}()]`,
    );
  }
  const candidate = adapter as Partial<Adapter> | null;
  if (typeof candidate?.name !== "string" || !Array.isArray(candidate.schemes)) {
    throw new SwitchyardError(
      "InvalidArgument",
      "adapters holds something that is not an adapter — each entry must be { name, schemes }, as returned by kafka(), aws() ...",
    );
  }
}

function checkParams(url: URL, handler: SchemeHandler, where: string): void {
  for (const param of new Set(url.searchParams.keys())) {
    if (handler.params.includes(param)) continue;
    const accepted =
      handler.params.length === 0 ? "it takes no query parameters" : `accepted: ${handler.params.join(", ")}`;
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: unknown query parameter "${param}" for "${handler.scheme}:" — ${accepted}`,
    );
  }
}

/**
 * Names the resource in an adapter's error and masks the URL's secrets. When the
 * adapter's own message carried a secret, the original error is not kept as
 * `cause`: printing the cause chain would print the secret.
 */
function openError(err: unknown, where: string, url: string): SwitchyardError {
  const detail = err instanceof Error ? err.message : String(err);
  const safe = scrubSecrets(detail, url);
  const code = err instanceof SwitchyardError ? err.code : isAbort(err) ? "Canceled" : "Unknown";
  const message = `${where} (${redactUrl(url)}): ${safe}`;
  return new SwitchyardError(code, message, safe === detail ? { cause: err } : undefined);
}
