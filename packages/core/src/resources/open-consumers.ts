import type { ConsumerDriver } from "../driver/stream.js";

/**
 * The consumers a stream driver has open, so that closing the stream closes
 * them. A consumer closed on its own leaves the set.
 */
export class OpenConsumers<C extends ConsumerDriver> {
  readonly #open = new Set<C>();

  /** Tracks `consumer` until it is closed, and returns it. Its `close` is wrapped to leave the set first. */
  add(consumer: C): C {
    this.#open.add(consumer);
    const close = consumer.close.bind(consumer);
    consumer.close = async () => {
      this.#open.delete(consumer);
      await close();
    };
    return consumer;
  }

  /** Closes every consumer still open, all at once; their errors are ignored, since the stream is closing. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#open].map((c) => c.close().catch(() => undefined)));
  }
}
