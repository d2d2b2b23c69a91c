/**
 * What the relay pipeline has in hand, seen from outside it: the ids its
 * source handed over (`received`) and the ids whose messages to `processed`
 * the emulator acknowledged (`written`). The real drivers and client do all
 * the work; the taps only read the records going through. The Pub/Sub restart
 * test needs both to tell what the emulator lost from what the pipeline still
 * holds.
 *
 * `written` is per message, not per send: the client publishes each ordering
 * key of a send in a request of its own, so when the emulator is killed some
 * keys of a send may have been acknowledged (and lost with it) while the send
 * as a whole was still waiting on the others.
 */
import { Topic } from "@google-cloud/pubsub";
import type { MessageOptions } from "@google-cloud/pubsub/build/src/topic.js";
import type { ResourceSource } from "@switchyard/core";
import type {
  ConsumerDriver,
  DriverByKind,
  IncomingRecord,
  ResourceKind,
  StreamDriver,
} from "@switchyard/core/driver";

const decoder = new TextDecoder();

/** The `id` of a relay record's JSON value. */
function idOf(record: { value: Uint8Array }): number {
  return (JSON.parse(decoder.decode(record.value)) as { id: number }).id;
}

/** `target` with its method `name` replaced by `wrap(the bound original)`; everything else as it is. */
function withMethod<T extends object>(target: T, name: keyof T, wrap: (original: never) => unknown): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(object);
      return property === name ? wrap(bound as never) : bound;
    },
  });
}

/** A resolver whose `items` consumers and `processed` writes are watched. */
export class TappedSource implements ResourceSource {
  /** Ids the `items` consumers returned to the pipeline. */
  readonly received = new Set<number>();
  /** Ids of messages to `processed` the emulator acknowledged. */
  readonly written = new Set<number>();

  constructor(private readonly inner: ResourceSource) {}

  async open<K extends ResourceKind>(kind: K, name: string): Promise<DriverByKind[K]> {
    const driver = await this.inner.open(kind, name);
    if (kind !== "stream") return driver;
    const stream = driver as StreamDriver;
    if (name === "processed") {
      this.tapPublishes(stream);
      return driver;
    }
    if (name !== "items") return driver;
    const openConsumer =
      (open: StreamDriver["openConsumer"]): StreamDriver["openConsumer"] =>
      async (options) =>
        withMethod(await open(options), "receive", (receive: ConsumerDriver["receive"]) =>
          this.receivedBy(receive),
        );
    return withMethod(stream, "openConsumer", openConsumer) as DriverByKind[K];
  }

  names(kind: ResourceKind): string[] {
    return this.inner.names(kind);
  }

  describe(kind: ResourceKind, name: string): string {
    return this.inner.describe?.(kind, name) ?? name;
  }

  /** Counts each message of the stream's topic as written once its own publish is acknowledged. */
  private tapPublishes(stream: StreamDriver): void {
    const topic = stream.as(Topic);
    if (topic === undefined) throw new Error("the processed stream is not a Pub/Sub topic");
    const publish = topic.publishMessage.bind(topic);
    // The driver calls publishMessage on this Topic object; the tap shadows it on the object alone.
    Object.defineProperty(topic, "publishMessage", {
      value: async (message: MessageOptions) => {
        const id = await publish(message);
        this.written.add(idOf({ value: Buffer.from(message.data ?? "") }));
        return id;
      },
    });
  }

  private receivedBy(receive: ConsumerDriver["receive"]): ConsumerDriver["receive"] {
    return async (max: number, signal: AbortSignal) => {
      const records: IncomingRecord[] = await receive(max, signal);
      for (const record of records) this.received.add(idOf(record));
      return records;
    };
  }
}
