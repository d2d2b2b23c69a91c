import type { Message, Subscription } from "@google-cloud/pubsub";
import type { ConsumerDriver, IncomingRecord, Position } from "@switchyard/core/driver";
import { laneOf, recordOf } from "./transform.js";

/** What a consumer needs from the stream that opened it. */
export interface ConsumerSetup {
  /** The subscription, configured with flow control and lease extension but not yet receiving. */
  subscription: Subscription;
  /** How many lanes records are spread over by ordering key. */
  lanes: number;
  /** Messages published before this time (ms) are acked and skipped; undefined skips none. */
  notBefore: number | undefined;
  /**
   * Whether the subscription has exactly-once delivery, as it was when opened:
   * then a commit waits for the server to confirm each ack; otherwise acks are
   * sent without a promise per message, as the client's own `ack` does.
   */
  exactlyOnce: boolean;
  /** Called once on close. */
  onClose: () => void;
}

/**
 * A streaming-pull consumer of one subscription, adapted to `receive(max)`
 * through a queue. The queue needs no bound of its own: every message stays in
 * the client's lease inventory from arrival until core acks or nacks it, and
 * the subscription's flow control (`maxOutstanding` messages and
 * `maxOutstandingBytes`, sent to the server with each streaming pull) stops
 * delivery while the inventory is full, so a slow pipeline slows the server.
 * The client is told to hand over the messages that arrive past the limit
 * (`allowExcessMessages`) rather than hold them itself: it would hold them in
 * memory all the same, leased, and its settling of each message scanned that
 * held list (decision 2324). While a record is held the client keeps
 * extending its ack deadline (up to `maxExtensionSeconds`), so long batches
 * are not redelivered under us.
 * Each record is settled on its own: commit acks, nack is a
 * modifyAckDeadline of 0 (redelivery at once). Close nacks what is still held.
 * A record's position is a number this consumer hands out, not the message's
 * ack id: a restarted emulator numbers its ack ids from 1 again, and a record
 * held across the restart must not settle a new message that got its ack id.
 * Nor may its ack reach the server, which would take it for the new message's:
 * a message whose ack id arrives again is stale — the server that leased it is
 * gone — and settling it only drops it from the client's lease inventory
 * (decision 2326). The service never reuses an ack id, so there this never happens.
 */
export class PubSubConsumer implements ConsumerDriver {
  readonly #setup: ConsumerSetup;
  readonly #queue: Message[] = [];
  /** Messages handed to core and not yet settled, by the offset this consumer gave them. */
  readonly #held = new Map<string, Message>();
  /**
   * Messages queued or held, by ack id. A message that is not the one under its
   * own ack id here is stale: a restarted server gave its ack id to a newer one.
   */
  readonly #leased = new Map<string, Message>();
  #handedOut = 0;
  #failure: unknown;
  #wake: (() => void) | undefined;
  #roundRobin = 0;
  #closed = false;
  readonly #onMessage = (message: Message) => this.#arrived(message);
  readonly #onError = (err: unknown) => {
    this.#failure = err;
    this.#notify();
  };

  constructor(setup: ConsumerSetup) {
    this.#setup = setup;
    setup.subscription.on("error", this.#onError);
    // Adding the first message listener opens the streaming pull.
    setup.subscription.on("message", this.#onMessage);
  }

  async receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> {
    while (this.#queue.length === 0 && this.#failure === undefined) {
      if (signal.aborted || this.#closed) return [];
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          this.#wake = undefined;
          resolve();
        };
        this.#wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    if (this.#queue.length === 0) this.#rethrow();
    const taken = this.#queue.splice(0, Math.max(1, max));
    const records: IncomingRecord[] = new Array<IncomingRecord>(taken.length);
    for (let i = 0; i < taken.length; i++) {
      const message = taken[i]!;
      const offset = String(this.#handedOut++);
      this.#held.set(offset, message);
      const key = message.orderingKey === "" ? undefined : message.orderingKey;
      records[i] = recordOf(message, laneOf(key, this.#setup.lanes, this.#roundRobin++), offset);
    }
    return records;
  }

  async commit(positions: Position[]): Promise<void> {
    const acks: Promise<unknown>[] = [];
    for (const { offset } of positions) {
      const message = this.#held.get(offset);
      if (message === undefined || !this.#settled(offset, message)) continue;
      if (this.#setup.exactlyOnce) acks.push(message.ackWithResponse());
      else message.ack();
    }
    await Promise.all(acks);
  }

  async nack(positions: Position[]): Promise<void> {
    for (const { offset } of positions) {
      const message = this.#held.get(offset);
      if (message === undefined || !this.#settled(offset, message)) continue;
      message.nack();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#notify();
    const { subscription } = this.#setup;
    subscription.removeListener("message", this.#onMessage);
    try {
      // Nacks every message still leased (queued or held), so the group gets them at once, and flushes acks.
      await subscription.close();
    } finally {
      subscription.removeListener("error", this.#onError);
      this.#held.clear();
      this.#leased.clear();
      this.#queue.length = 0;
      this.#setup.onClose();
    }
  }

  #arrived(message: Message): void {
    const { notBefore } = this.#setup;
    if (notBefore !== undefined && message.publishTime.getTime() < notBefore) {
      message.ack();
      return;
    }
    const earlier = this.#leased.get(message.ackId);
    if (earlier !== undefined) dropLease(earlier);
    this.#leased.set(message.ackId, message);
    this.#queue.push(message);
    this.#notify();
  }

  /** Forgets a handed-out message; whether it may be settled on the server (it is not stale). */
  #settled(offset: string, message: Message): boolean {
    this.#held.delete(offset);
    if (this.#leased.get(message.ackId) !== message) return false;
    this.#leased.delete(message.ackId);
    return true;
  }

  /** Throws the stream's failure once, and reopens the streaming pull if the client closed it. */
  #rethrow(): never {
    const failure = this.#failure;
    this.#failure = undefined;
    const { subscription } = this.#setup;
    if (!this.#closed && !subscription.isOpen) subscription.open();
    throw failure instanceof Error ? failure : new Error(String(failure));
  }

  #notify(): void {
    this.#wake?.();
  }
}

/** The part of the client's message the library keeps private: its subscriber's lease inventory. */
interface LeasedMessage {
  _subscriber?: { _inventory?: { remove?: (message: Message) => void } };
}

/**
 * Drops a message from the client's lease inventory without a request to the
 * server, so it stops taking a flow-control slot and its ack id is no longer
 * extended (or nacked on close) in the name of the message that now has it.
 * The client has no public call for this; where its inventory is not found
 * the message stays leased until `maxExtensionSeconds`.
 */
function dropLease(message: Message): void {
  (message as unknown as LeasedMessage)._subscriber?._inventory?.remove?.(message);
}
