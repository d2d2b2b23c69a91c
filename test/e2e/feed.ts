/**
 * A live source for the scale-out and fault tests: numbered items published a
 * small send at a time at a steady pace, as a stream of events arrives, until
 * the test says how many more to send. However long the instances take to
 * start and share the work, every shard or consumer keeps getting records — a
 * backlog published up front could be worked off by the first instance before
 * the others take part.
 */
import type { Stream } from "@switchyard/core";
import type { Item } from "./scale-out/pipeline.js";

/** Items 0, 1, 2, … keyed by `keyOf(id)` (default: the id), published `perSend` every `everyMs`. */
export class Feed {
  /** Items published so far: ids 0 … published-1. */
  published = 0;
  private limit = Number.POSITIVE_INFINITY;
  private readonly stopped = new AbortController();
  private readonly running: Promise<void>;
  private failure: Error | undefined;

  constructor(
    private readonly items: Stream<Item>,
    private readonly perSend: number,
    private readonly everyMs: number,
    private readonly keyOf: (id: number) => string = String,
  ) {
    this.running = this.run().catch((err: unknown) => {
      this.failure = err instanceof Error ? err : new Error(String(err));
    });
  }

  /** Throws what stopped the publishing, if anything did. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Publishes `more` items after those already out, then stops; resolves once they are out. */
  async finishAfter(more: number): Promise<void> {
    this.limit = this.published + more;
    await this.running;
    this.check();
  }

  /** Stops publishing at once. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    while (this.published < this.limit && !this.stopped.signal.aborted) {
      const first = this.published;
      const ids = Array.from({ length: Math.min(this.perSend, this.limit - first) }, (_, i) => first + i);
      await this.items.publish(ids.map((id) => ({ key: this.keyOf(id), value: { id } })));
      this.published += ids.length;
      await new Promise((resolve) => setTimeout(resolve, this.everyMs));
    }
  }
}
