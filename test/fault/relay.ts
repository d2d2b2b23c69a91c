/**
 * The fault tests' pipeline and its run: numbered items in, the same items out
 * on `processed` (and, when asked, into a state store), with a little work per
 * record so that the run is still busy when the server behind it is killed.
 */
import { pipeline, run } from "@switchyard/core";
import type { Pipeline, PipelineRun, ResourceSource, RunSummary, Stats, Stream } from "@switchyard/core";
import type { Item, ProcessedItem } from "../e2e/scale-out/pipeline.js";

/** What every processed item is stamped with. */
export const RELAY = "relay";

/** Options of {@link relayPipeline}. */
export interface RelayOptions {
  /** Consumer group of the source. */
  group: string;
  /** Time spent per record, ms, as a model call would. */
  workMsPerRecord: number;
  /** A state store of the profile that also receives each item under its id. Default: none. */
  state?: string;
  /** Batches of 100 in flight at most. Default 100: room to prefetch every record. */
  maxInFlightBatches?: number;
}

/** Items from `items` to `processed` (keyed as they came), plus a state store when `options.state` is set. */
export function relayPipeline(options: RelayOptions): Pipeline<ProcessedItem> {
  const relayed = pipeline("fault-relay")
    .from<Item>("items", { group: options.group })
    .enrich(async (batch: Item[]): Promise<ProcessedItem[]> => {
      await new Promise((resolve) => setTimeout(resolve, batch.length * options.workMsPerRecord));
      return batch.map((item) => ({ id: item.id, by: RELAY }));
    })
    .to("processed")
    // Room to prefetch every record: the source keeps fetching at the head while sinks are busy, so an
    // outage hits the consumer's fetches as well as the sinks' writes.
    .configure({ batchSize: 100, maxInFlightBatches: options.maxInFlightBatches ?? 100 });
  if (options.state === undefined) return relayed;
  return relayed.store(options.state, { key: (item) => String(item.id), value: (item) => item.id });
}

/** Publishes items 0 … count-1, keyed by id, in sends of 1000. */
export async function publishItems(items: Stream<Item>, count: number): Promise<void> {
  for (let first = 0; first < count; first += 1000) {
    const ids = Array.from({ length: Math.min(1000, count - first) }, (_, i) => first + i);
    await items.publish(ids.map((id) => ({ key: String(id), value: { id } })));
  }
}

/** A run of the relay pipeline that remembers how it ended and what it warned about. */
export class RelayRun {
  /** Warnings the runtime reported (sink retries, failed commits, …). */
  readonly warnings: string[] = [];
  private readonly running: PipelineRun;
  private failure: unknown;
  private ended = false;

  /** Starts `relay` on the profile's resources. */
  constructor(relay: Pipeline<ProcessedItem>, resolver: ResourceSource) {
    this.running = run(relay, {
      resolver,
      drainTimeoutMs: 10_000,
      warn: (message) => this.warnings.push(message),
    });
    this.running.done.then(
      () => (this.ended = true),
      (err: unknown) => {
        this.ended = true;
        this.failure = err;
      },
    );
  }

  /** Records done so far. */
  get processed(): number {
    return this.running.stats().processed;
  }

  /** The run's current figures, as its stats line shows them. */
  stats(): Stats {
    return this.running.stats();
  }

  /** Why the run is over while it should still be running, or undefined while it runs. */
  crash(): string | undefined {
    if (!this.ended) return undefined;
    const why = this.failure instanceof Error ? this.failure.message : String(this.failure);
    return `the pipeline stopped on its own: ${why}; last warnings:\n${this.lastWarnings()}`;
  }

  /** The last few warnings, one a line, for failure messages. */
  lastWarnings(count = 5): string {
    return this.warnings.slice(-count).join("\n");
  }

  /** Stops the run gracefully; rejects when it crashed or does not stop within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<RunSummary> {
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the pipeline did not stop within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.running.stop(), overdue]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Starts `relay` on the resolver's resources and resolves once it has done
 * `busyAt` records: busy, with work left, when the test takes a server away.
 * Fails when the run stops on its own or takes longer than `timeoutMs`.
 * `started` receives the run at once, so the caller can stop it whatever happens.
 */
export async function startBusy(
  relay: Pipeline<ProcessedItem>,
  resolver: ResourceSource,
  busyAt: number,
  started: (run: RelayRun) => void,
  timeoutMs = 30_000,
): Promise<RelayRun> {
  const running = new RelayRun(relay, resolver);
  started(running);
  await waitFor("the pipeline gets going", () => running.processed >= busyAt, {
    timeoutMs,
    failed: () => running.crash(),
    detail: () => `${running.processed} done; warnings:\n${running.lastWarnings()}`,
  });
  return running;
}

/** Waits until `done()` holds; throws after `timeoutMs`, or as soon as `failed()` gives a reason. */
export async function waitFor(
  what: string,
  done: () => boolean,
  options: { timeoutMs: number; failed: () => string | undefined; detail: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!done()) {
    const failure = options.failed();
    if (failure !== undefined) throw new Error(`${what}: ${failure} (${options.detail()})`);
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${options.timeoutMs} ms (${options.detail()})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
