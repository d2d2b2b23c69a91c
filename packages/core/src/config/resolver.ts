import type { DriverByKind, ResourceKind } from "../driver/adapter.js";
import { SwitchyardError } from "../errors.js";
import { interpolateEnv } from "./interpolate.js";
import type { Environment } from "./interpolate.js";
import { checkConfig, selectProfile } from "./profile.js";
import { redactUrl } from "./redact.js";
import { SchemeRegistry } from "./scheme-registry.js";
import { isDriverInstance, urlOfSpec } from "./spec.js";
import { didYouMean } from "./suggest.js";
import { PROFILE_SECTIONS } from "./types.js";
import type { ProfileConfig, ResourceSpec, SwitchyardConfig } from "./types.js";

/** Options of {@link ResourceResolver}. */
export interface ResourceResolverOptions {
  /** Directory relative paths in URLs resolve against. Default `process.cwd()`; `loadConfig` gives the config file's directory. */
  baseDir?: string;
  /** Variables for `${ENV}` interpolation. Default `process.env`. */
  env?: Environment;
  /** The URL registry. Default: the built-in adapters plus `config.adapters`. */
  registry?: SchemeRegistry;
  /** How messages name the config. Default `"the config"`; `loadConfig` gives the file name. */
  source?: string;
}

interface Opened {
  driver: Promise<DriverByKind[ResourceKind]>;
  /** False for driver instances from the config: whoever built them closes them. */
  owned: boolean;
}

/**
 * The resources of one profile, opened by name. Each resource is opened once
 * (on first use) and shared; `close` closes every driver the resolver opened.
 * `${ENV}` references are interpolated when a resource is opened, so a missing
 * variable fails the resource that uses it, naming both.
 */
export class ResourceResolver {
  /** The active profile's name. */
  readonly profile: string;
  /** Directory relative paths in URLs resolve against. */
  readonly baseDir: string;
  readonly #resources: ProfileConfig;
  readonly #env: Environment;
  readonly #registry: SchemeRegistry;
  readonly #opened = new Map<string, Opened>();
  #closed = false;

  /** Checks the config and selects `profileName`; InvalidArgument listing the profiles when it is unknown. */
  constructor(config: SwitchyardConfig, profileName: string, options: ResourceResolverOptions = {}) {
    const source = options.source ?? "the config";
    checkConfig(config, source);
    this.#resources = selectProfile(config, profileName, source);
    this.profile = profileName;
    this.baseDir = options.baseDir ?? process.cwd();
    this.#env = options.env ?? process.env;
    this.#registry = options.registry ?? new SchemeRegistry(config.adapters ?? [], { source });
  }

  /** The names of the profile's resources of one kind, in config order. */
  names(kind: ResourceKind): string[] {
    return Object.keys(this.#resources[PROFILE_SECTIONS[kind]] ?? {});
  }

  /** Whether the profile defines a resource of this kind and name. */
  has(kind: ResourceKind, name: string): boolean {
    const section = this.#resources[PROFILE_SECTIONS[kind]];
    return section !== undefined && Object.hasOwn(section, name);
  }

  /**
   * The resource's URL, safe to print: interpolated and with secrets masked
   * (`(driver instance)` for hand-built drivers). Never throws for a resource of
   * the profile, even when a variable is missing.
   */
  describe(kind: ResourceKind, name: string): string {
    const spec = this.#spec(kind, name);
    if (isDriverInstance(spec)) return "(driver instance)";
    const where = `${kind} "${name}"`;
    let url: string;
    try {
      url = urlOfSpec(spec, where).url;
    } catch {
      return "(invalid spec)";
    }
    try {
      return redactUrl(interpolateEnv(url, this.#env, where));
    } catch {
      return redactUrl(url);
    }
  }

  /**
   * The driver for a resource of the profile, opened on first use and cached.
   * InvalidArgument naming the fix when the name is not in the profile, the
   * scheme has no adapter or a query parameter is unknown.
   */
  async open<K extends ResourceKind>(kind: K, name: string): Promise<DriverByKind[K]> {
    if (this.#closed) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `cannot open ${kind} "${name}": the resolver is closed`,
      );
    }
    const key = `${kind}\0${name}`;
    const cached = this.#opened.get(key);
    if (cached !== undefined) return (await cached.driver) as DriverByKind[K];

    const spec = this.#spec(kind, name);
    const driver = this.#create(kind, name, spec);
    this.#opened.set(key, { driver, owned: !isDriverInstance(spec) });
    try {
      return await driver;
    } catch (err) {
      // A failed open is not cached, so a later call (after the fix) tries again.
      this.#opened.delete(key);
      throw err;
    }
  }

  /** Closes every driver this resolver opened (not hand-built instances). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const opened = [...this.#opened.entries()];
    this.#opened.clear();
    const failures: SwitchyardError[] = [];
    await Promise.all(
      opened.map(async ([key, entry]) => {
        if (!entry.owned) return;
        const driver = await entry.driver.catch(() => undefined);
        if (driver === undefined) return;
        try {
          await driver.close();
        } catch (err) {
          const [kind, name] = key.split("\0");
          const detail = err instanceof Error ? err.message : String(err);
          failures.push(
            new SwitchyardError("Internal", `closing ${kind} "${name}" failed: ${detail}`, { cause: err }),
          );
        }
      }),
    );
    const [first] = failures;
    if (first === undefined) return;
    if (failures.length === 1) throw first;
    throw new SwitchyardError("Internal", `${first.message} (and ${failures.length - 1} more)`, {
      cause: new AggregateError(failures.map((failure) => failure.cause)),
    });
  }

  async #create<K extends ResourceKind>(kind: K, name: string, spec: ResourceSpec): Promise<DriverByKind[K]> {
    if (isDriverInstance(spec)) return spec as DriverByKind[K];
    const where = `${kind} "${name}" in profile "${this.profile}"`;
    const { url, client } = urlOfSpec(spec, `${kind} "${name}"`);
    const interpolated = interpolateEnv(url, this.#env, where);
    const resolved = client === undefined ? interpolated : { url: interpolated, client };
    return this.#registry.open(kind, name, resolved, { baseDir: this.baseDir });
  }

  #spec(kind: ResourceKind, name: string): ResourceSpec {
    const section = this.#resources[PROFILE_SECTIONS[kind]];
    const spec = section !== undefined && Object.hasOwn(section, name) ? section[name] : undefined;
    if (spec === undefined) {
      const typo = didYouMean(name, Object.keys(section ?? {}));
      throw new SwitchyardError(
        "InvalidArgument",
        `${kind} "${name}" is not in profile "${this.profile}" — ${typo}${typo === "" ? "add" : "or add"} it under profiles.${this.profile}.${PROFILE_SECTIONS[kind]}`,
      );
    }
    return spec;
  }
}
