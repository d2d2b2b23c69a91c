import { SwitchyardError } from "../errors.js";
import type { ResourceKind } from "../driver/index.js";
import type { ModelEndpointOptions } from "../resources/model-endpoint.js";
import type { Subscription } from "../resources/subscription.js";
import { raceAbort } from "../resources/signals.js";
import { retryPolicy } from "../retry.js";
import type { Pipeline, PipelineOptions } from "./builder.js";
import { DeadLetterWatch } from "./dead-letter-watch.js";
import { PartitionLag } from "./lag.js";
import { BatchProcessor } from "./processor.js";
import { CLOSE_TIMEOUT_MS, drain, onSignals, within } from "./stopping.js";
import { RunResources } from "./resources.js";
import type { ResourceSource } from "./resources.js";
import { StatsCollector, formatStats } from "./stats.js";
import type { Stats } from "./stats.js";
import { StallWatch } from "./stall-watch.js";
import { StatsReporter } from "./stats-reporter.js";
import { Telemetry } from "./telemetry.js";

/** Options of {@link run}. */
export interface RunOptions {
  /** Where the profile's resources come from (usually a `ResourceResolver`). The run never closes it. */
  resolver: ResourceSource;
  /** Stops the run when aborted (graceful: drain, flush, commit). */
  signal?: AbortSignal;
  /** Live stats: `auto` prints a line to stderr (in place on a terminal, at most every 5 s otherwise), `off`, or a callback called every second. Default `off`. */
  stats?: "auto" | "off" | ((stats: Stats) => void);
  /** Stop gracefully on SIGINT/SIGTERM (a second signal abandons in-flight work). Default false. */
  handleSignals?: boolean;
  /** This instance's name in the consumer group. */
  consumerName?: string;
  /** How long a graceful stop may wait for in-flight batches before abandoning them, ms. Default 30000. A stop always ends within this plus about 7 s, whatever the back ends do. */
  drainTimeoutMs?: number;
  /** How long opening and probing every resource at startup may take, ms. Default 15000. */
  startupTimeoutMs?: number;
  /** Share of the records of the last 10 s (at least 100) dead-lettered above which the run warns loudly. Default 0.5. */
  deadLetterWarnRatio?: number;
  /** Share of the records of the last 10 s (at least 100) dead-lettered above which the run stops with an error. Default: never. */
  maxDeadLetterRatio?: number;
  /** How long records in flight may go without one finished before the run warns of a stall, ms. Default 5000. */
  stallWarnMs?: number;
  /** Where warnings go. Default stderr. */
  warn?: (message: string) => void;
}

/** Final figures of a run. */
export interface RunSummary extends Stats {
  /** The pipeline's name. */
  pipeline: string;
  /** Records done per second over the whole run (wall time, idle spans included). */
  eventsPerSec: number;
  /** Records done per second over the spans with work in progress ({@link Stats.busyMs}). */
  busyEventsPerSec: number;
}

/** A running pipeline. */
export interface PipelineRun {
  /** Resolves when the run has stopped and committed; rejects when it could not start or failed. */
  readonly done: Promise<RunSummary>;
  /** Resolves once every resource is open and the source is subscribed; rejects as `done` does when startup fails. */
  readonly ready: Promise<void>;
  /** Current figures. */
  stats(): Stats;
  /** Stops gracefully and resolves with the summary. */
  stop(): Promise<RunSummary>;
}

const DEFAULTS: PipelineOptions = {
  batchSize: 1024,
  concurrency: 16,
  maxInFlightBatches: 8,
  maxInFlightBytes: 32 * 1024 * 1024,
  retry: {},
  commitIntervalMs: 1000,
};

/**
 * Runs a pipeline until stopped: opens the profile's resources (a missing one
 * stops startup with a message naming the fix), subscribes to the source, and
 * processes batches per partition in order, committing contiguous checkpoints.
 */
export function run<T>(pipeline: Pipeline<T>, options: RunOptions): PipelineRun {
  const stop = new AbortController();
  const hard = new AbortController();
  if (options.signal?.aborted === true) stop.abort();
  else options.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  const stats = new StatsCollector();
  // An in-process source holds no I/O handle; without one Node would exit while the run waits for records.
  const keepAlive = setInterval(() => undefined, 60_000);
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = execute(pipeline as Pipeline<unknown>, options, stop, hard, stats, started);
  void done.catch(() => undefined).finally(() => clearInterval(keepAlive));
  const readyOrFailed = Promise.race([ready, done.then(() => undefined)]);
  // Whoever waits only on `done` must not get an unhandled rejection from `ready` too.
  readyOrFailed.catch(() => undefined);
  return {
    done,
    ready: readyOrFailed,
    stats: () => stats.snapshot(),
    stop: () => {
      stop.abort();
      return done;
    },
  };
}

async function execute(
  pipeline: Pipeline<unknown>,
  options: RunOptions,
  stop: AbortController,
  hard: AbortController,
  stats: StatsCollector,
  started: () => void,
): Promise<RunSummary> {
  const tuning = { ...DEFAULTS, ...pipeline.options };
  const warn = options.warn ?? ((m: string) => process.stderr.write(`${pipeline.name}: ${m}\n`));
  const source = pipeline.source;
  if (source === undefined) {
    throw new SwitchyardError(
      "InvalidArgument",
      `pipeline "${pipeline.name}" has no source — call .from("<stream>") first`,
    );
  }
  const deadLetterName = source.options.deadLetter ?? "dead-letters";
  // Steps see the hard-stop signal: a graceful stop lets in-flight batches finish their model calls.
  const resources = new RunResources(options.resolver, hard.signal);
  await resources.openAll(
    required(pipeline, deadLetterName),
    modelOptions(pipeline),
    options.startupTimeoutMs ?? 15_000,
    warn,
  );
  const stream = resources.streamWith(source.stream, source.options.codec);
  stream.require({ groups: true, ordering: true });
  for (const step of pipeline.steps) {
    if (step.kind === "store" && step.options.ttlMs !== undefined)
      resources.state(step.state).require({ ttl: true });
  }

  const telemetry = await Telemetry.load(pipeline.name);
  const subscribing = stream.subscribe({
    group: source.options.group ?? pipeline.name,
    start: source.options.start ?? "earliest",
    maxBatch: tuning.batchSize,
    maxUnacked: tuning.batchSize * tuning.maxInFlightBatches,
    maxUnackedBytes: tuning.maxInFlightBytes,
    commitIntervalMs: tuning.commitIntervalMs,
    ...(options.consumerName === undefined ? {} : { consumerName: options.consumerName }),
    onReceiveRetry: (error, attempt) =>
      warn(`from:${source.stream}: ${error.code}: ${error.message} — retrying (attempt ${attempt + 1})`),
  });
  let subscription: Subscription<unknown>;
  try {
    // Joining a group can wait on the broker for long; a stop meanwhile ends the run, as nothing was received.
    subscription = await raceAbort(subscribing, stop.signal, `subscribing to "${source.stream}"`);
  } catch (err) {
    if (!stop.signal.aborted) throw err;
    void subscribing.then((s) => s.close()).catch(() => undefined);
    telemetry.metrics?.close();
    return summaryOf(pipeline.name, stats.snapshot());
  }
  started();
  const partitionLag = new PartitionLag();
  let failure: unknown;
  // A failure stops the run at once: the receive loop may be waiting for records.
  const fail = (err: unknown) => {
    failure ??= err;
    stop.abort();
  };
  const processor = new BatchProcessor({
    pipeline: pipeline.name,
    source: source.stream,
    steps: pipeline.steps,
    resources,
    deadLetters: resources.stream(deadLetterName),
    retry: retryPolicy(tuning.retry),
    stats,
    telemetry,
    hardStop: hard.signal,
    warn,
    settle: (outcome) => {
      partitionLag.settled(outcome.done);
      partitionLag.settled(outcome.abandoned);
      if (outcome.done.length > 0) {
        const now = Date.now();
        subscription.ack(outcome.done);
        stats.done(outcome.done, now);
        telemetry.recordDone(outcome.done, now);
      }
      if (outcome.abandoned.length > 0) void subscription.nack(outcome.abandoned);
    },
    fail,
  });
  telemetry.metrics?.watch({
    lagByPartition: () => stats.lagByPartition,
    inFlightBatches: () => processor.inFlightBatches,
    inFlightRecords: () => subscription.inFlight,
  });
  stats.work = {
    get inFlight() {
      return subscription.inFlight;
    },
    get retrying() {
      return processor.retrying;
    },
  };
  const watch = new DeadLetterWatch({
    warnRatio: options.deadLetterWarnRatio ?? 0.5,
    maxRatio: options.maxDeadLetterRatio,
    windowMs: 10_000,
    minRecords: 100,
  });
  const stall = new StallWatch(options.stallWarnMs ?? 5000);
  const watching = setInterval(() => {
    const { warning, error } = watch.sample(stats.processed, stats.deadLetters);
    if (warning !== undefined) warn(warning);
    if (error !== undefined) fail(error);
    const stalled = stall.sample(stats.processed + stats.deadLetters, subscription.inFlight, stats.lag);
    if (stalled !== undefined) warn(stalled);
  }, 1000);
  watching.unref();
  const reporter = new StatsReporter(
    pipeline.name,
    stats,
    subscription,
    options.stats ?? "off",
    partitionLag,
  );
  const detachSignals = options.handleSignals === true ? onSignals(stop, hard, warn) : () => undefined;

  // Batches whose steps have not run yet; a partition's batches run one at a time, in order.
  let active = 0;
  let slot: (() => void) | undefined;
  // A stop must not wait for a slot that steps which never return would never free: the drain bounds them.
  const freeSlot = () => {
    slot?.();
    slot = undefined;
  };
  stop.signal.addEventListener("abort", freeSlot, { once: true });
  try {
    while (!stop.signal.aborted && failure === undefined) {
      const batch = await subscription.receive(stop.signal);
      if (batch === undefined) break;
      partitionLag.received(batch.partition, batch.records.length + batch.undecodable.length);
      while (active >= tuning.concurrency && !stop.signal.aborted)
        await new Promise<void>((resolve) => (slot = resolve));
      active++;
      void processor
        .process(batch)
        .catch(fail)
        .finally(() => {
          active--;
          freeSlot();
        });
    }
    await drain(processor, options.drainTimeoutMs ?? 30_000, hard, warn);
    await within(CLOSE_TIMEOUT_MS, resources.flush(), () =>
      warn(`flushing sinks did not finish within ${CLOSE_TIMEOUT_MS} ms — stopping without it`),
    );
  } finally {
    stop.signal.removeEventListener("abort", freeSlot);
    clearInterval(watching);
    reporter.stop();
    telemetry.metrics?.close();
    detachSignals();
    // A broker that does not answer must not hold the stop: what is not committed is redelivered.
    await within(
      CLOSE_TIMEOUT_MS,
      subscription.close().catch((err: unknown) => warn(`final commit failed: ${String(err)}`)),
      () => warn(`the final commit did not finish within ${CLOSE_TIMEOUT_MS} ms — stopping without it`),
    );
  }
  if (failure !== undefined)
    throw failure instanceof Error
      ? failure
      : new SwitchyardError("Internal", "pipeline failed", { cause: failure });
  const snapshot = stats.snapshot();
  if (options.stats === "auto") process.stderr.write(`${formatStats(pipeline.name, snapshot)}\n`);
  return summaryOf(pipeline.name, snapshot);
}

/** The run's summary from its last figures. */
function summaryOf(name: string, snapshot: Stats): RunSummary {
  return {
    ...snapshot,
    pipeline: name,
    eventsPerSec: snapshot.uptimeMs > 0 ? (snapshot.processed * 1000) / snapshot.uptimeMs : 0,
    busyEventsPerSec: snapshot.busyMs > 0 ? (snapshot.processed * 1000) / snapshot.busyMs : 0,
  };
}

function required(pipeline: Pipeline<unknown>, deadLetter: string): { kind: ResourceKind; name: string }[] {
  const list: { kind: ResourceKind; name: string }[] = [
    { kind: "stream", name: pipeline.source!.stream },
    { kind: "stream", name: deadLetter },
  ];
  for (const step of pipeline.steps) {
    if (step.kind === "to") list.push({ kind: "stream", name: step.stream });
    if (step.kind === "infer") list.push({ kind: "model", name: step.model });
    if (step.kind === "record") list.push({ kind: "timeseries", name: step.sink });
    if (step.kind === "store") list.push({ kind: "state", name: step.state });
  }
  return list;
}

function modelOptions(
  pipeline: Pipeline<unknown>,
): Map<string, Partial<ModelEndpointOptions<unknown, unknown>>> {
  const map = new Map<string, Partial<ModelEndpointOptions<unknown, unknown>>>();
  for (const step of pipeline.steps) {
    if (step.kind === "infer" && step.options.endpoint !== undefined)
      map.set(step.model, step.options.endpoint);
  }
  return map;
}
