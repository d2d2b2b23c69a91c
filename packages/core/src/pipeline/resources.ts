import type { Codec } from "../codec/codec.js";
import type { DriverByKind, ResourceKind } from "../driver/index.js";
import { SwitchyardError } from "../errors.js";
import { ModelEndpoint } from "../resources/model-endpoint.js";
import type { FallbackChange, ModelEndpointOptions } from "../resources/model-endpoint.js";
import { StateStore } from "../resources/state-store.js";
import { Stream } from "../resources/stream.js";
import { TimeSeriesSink } from "../resources/time-series-sink.js";
import type { PipelineContext, StateOptions } from "./context.js";
import { errorText } from "./sink-writer.js";
import { openAndProbe } from "./startup.js";
import type { Wanted } from "./startup.js";

/**
 * Where the runtime gets drivers from: the profile's resources by kind and name.
 * `ResourceResolver` in the config module is the usual implementation.
 */
export interface ResourceSource {
  /** Opens (or returns the already open) driver of a named resource; throws naming the fix when it is not in the profile. */
  open<K extends ResourceKind>(kind: K, name: string): Promise<DriverByKind[K]>;
  /** The names the profile defines for a kind. */
  names(kind: ResourceKind): string[];
  /** The resource's URL with credentials redacted, for messages. */
  describe?(kind: ResourceKind, name: string): string;
}

/**
 * The portable resources one pipeline run uses, opened at startup so that a
 * missing resource stops the run before any record is read.
 */
export class RunResources implements PipelineContext {
  private readonly streamDrivers = new Map<string, DriverByKind["stream"]>();
  private readonly streams = new Map<string, Stream<unknown>>();
  private readonly stateDrivers = new Map<string, DriverByKind["state"]>();
  private readonly states = new Map<string, StateStore<unknown>>();
  /** Stores over the same driver with a caller's codec, one per store and codec. */
  private readonly statesByCodec = new Map<string, WeakMap<Codec<unknown>, StateStore<unknown>>>();
  /** Streams over the same driver with a step's codec, one per stream and codec. */
  private readonly streamsByCodec = new Map<string, WeakMap<Codec<unknown>, Stream<unknown>>>();
  private readonly models = new Map<string, ModelEndpoint<unknown, unknown>>();
  private readonly sinks = new Map<string, TimeSeriesSink>();

  constructor(
    private readonly source: ResourceSource,
    /** Aborted when the run stops. */
    readonly signal: AbortSignal,
  ) {}

  /**
   * Opens every resource of the profile plus `required` (which must exist),
   * with per-model options: all at once, each probed when its driver can, within
   * `timeoutMs` — so an unreachable resource stops startup instead of stalling
   * the run.
   */
  async openAll(
    required: { kind: ResourceKind; name: string }[],
    modelOptions: Map<string, Partial<ModelEndpointOptions<unknown, unknown>>>,
    timeoutMs: number,
    warn: (message: string) => void,
  ): Promise<void> {
    const wanted = new Map<string, Wanted>();
    for (const kind of ["stream", "state", "model", "timeseries"] as const) {
      for (const name of this.source.names(kind)) wanted.set(`${kind}/${name}`, { kind, name });
    }
    for (const r of required) wanted.set(`${r.kind}/${r.name}`, r);
    for (const [name, options] of modelOptions) {
      const model = wanted.get(`model/${name}`);
      if (model !== undefined && options.fallback !== undefined)
        model.degraded = (error) => warn(`${error.message}; its fallback answers until it does`);
    }
    const list = [...wanted.values()];
    const drivers = await openAndProbe(this.source, list, timeoutMs);
    for (let i = 0; i < list.length; i++) {
      const { kind, name } = list[i]!;
      const driver = drivers[i]!;
      switch (kind) {
        case "stream":
          this.streamDrivers.set(name, driver as DriverByKind["stream"]);
          this.streams.set(name, new Stream(driver as DriverByKind["stream"], { name }));
          break;
        case "state":
          this.stateDrivers.set(name, driver as DriverByKind["state"]);
          this.states.set(name, new StateStore(driver as DriverByKind["state"], { name }));
          break;
        case "model": {
          const options = modelOptions.get(name);
          this.models.set(
            name,
            new ModelEndpoint(driver as DriverByKind["model"], {
              ...options,
              name,
              onFallbackChange: (change) => {
                warn(fallbackWarning(name, change));
                options?.onFallbackChange?.(change);
              },
            }),
          );
          break;
        }
        case "timeseries":
          // Batches are already batched: coalesce the writes of one event-loop turn instead of waiting out an interval.
          this.sinks.set(
            name,
            new TimeSeriesSink(driver as DriverByKind["timeseries"], { name, flushIntervalMs: 0 }),
          );
          break;
      }
    }
  }

  /** A stream with a given codec, sharing the driver: one per codec, so a `to` step writing with its own builds none per batch. */
  streamWith<T>(name: string, codec: Codec<T> | undefined): Stream<T> {
    const base = this.stream<T>(name);
    if (codec === undefined || codec === base.codec) return base;
    return perCodec(
      this.streamsByCodec,
      name,
      codec,
      () => new Stream<unknown>(this.streamDrivers.get(name)!, { name, codec }),
    ) as Stream<T>;
  }

  /** A stream of the profile. */
  stream<T = unknown>(name: string): Stream<T> {
    return this.get(this.streams, "stream", name) as Stream<T>;
  }

  /** A state store of the profile, with values in JSON or through `options.codec`. */
  state<V = unknown>(name: string, options?: StateOptions<V>): StateStore<V> {
    const base = this.get(this.states, "state", name) as StateStore<V>;
    const codec = options?.codec as Codec<unknown> | undefined;
    if (codec === undefined) return base;
    return perCodec(
      this.statesByCodec,
      name,
      codec,
      () => new StateStore(this.stateDrivers.get(name)!, { name, codec }),
    ) as StateStore<V>;
  }

  /** A model endpoint of the profile. */
  model<I = unknown, O = unknown>(name: string): ModelEndpoint<I, O> {
    return this.get(this.models, "model", name) as ModelEndpoint<I, O>;
  }

  /** A time-series sink of the profile. */
  timeseries(name: string): TimeSeriesSink {
    return this.get(this.sinks, "timeseries", name);
  }

  /** Flushes every time-series sink. */
  async flush(): Promise<void> {
    await Promise.all([...this.sinks.values()].map((s) => s.flush()));
  }

  private get<V>(map: Map<string, V>, kind: ResourceKind, name: string): V {
    const found = map.get(name);
    if (found === undefined) {
      throw new SwitchyardError(
        "NotFound",
        `${kind} "${name}" is not in the profile — add it to the profile's ${kind === "state" ? "state" : `${kind}s`}`,
      );
    }
    return found;
  }
}

/** The run's warning when a model's fallback takes over or hands back. */
function fallbackWarning(model: string, change: FallbackChange): string {
  if (change.answering === "fallback")
    return `${errorText(change.cause)}; its fallback answers until the model does`;
  const seconds = (change.ms / 1000).toFixed(1);
  return `model "${model}" answers again; its fallback answered ${change.inputs} inputs over ${seconds} s`;
}

/** The resource `cache` holds for `name` and `codec`, made by `make` the first time. */
function perCodec<R>(
  cache: Map<string, WeakMap<Codec<unknown>, R>>,
  name: string,
  codec: Codec<unknown>,
  make: () => R,
): R {
  let byCodec = cache.get(name);
  if (byCodec === undefined) cache.set(name, (byCodec = new WeakMap()));
  let made = byCodec.get(codec);
  if (made === undefined) byCodec.set(codec, (made = make()));
  return made;
}
