/**
 * The Event Hubs test double's receivers: one per client receiver link on
 * `<hub>/ConsumerGroups/<cg>/Partitions/<id>`, sending stored events in order
 * as the link's credit allows, and owner levels (epochs) per consumer group
 * and partition: a higher or equal epoch takes the partition from the links
 * it finds; a lower one, or none while an epoch link is open, is refused.
 */
import type { Connection, Sender } from "rhea";
import type { Partition } from "./hub-log.js";
import { deliveryOf } from "./wire.js";

/** One client receiver link reading one partition. */
export class PartitionReader {
  private readonly unwatch: () => void;

  constructor(
    readonly sender: Sender,
    readonly key: string,
    readonly epoch: number | undefined,
    private readonly partition: Partition,
    private next: number,
  ) {
    this.unwatch = partition.watch(() => this.pump());
  }

  /** Sends the next events while the link has credit. */
  pump(): void {
    const events = this.partition.events;
    while (this.next < events.length && this.sender.sendable()) {
      this.sender.send(deliveryOf(events[this.next]!));
      this.next++;
    }
  }

  /** Stops sending; with `error` the link is detached with it (e.g. `amqp:link:stolen`). */
  close(error?: { condition: string; description: string }): void {
    this.unwatch();
    if (error !== undefined && this.sender.is_open()) this.sender.close(error);
  }
}

/** Every open reader, by link and by consumer-group partition. */
export class Readers {
  private readonly byLink = new Map<Sender, PartitionReader>();

  /**
   * Admits a reader if its epoch allows it, stealing the partition from the
   * readers it outranks. Returns the refusal when it does not.
   */
  admit(reader: PartitionReader): { condition: string; description: string } | undefined {
    const rivals = [...this.byLink.values()].filter((r) => r.key === reader.key);
    const stronger = rivals.find(
      (r) => r.epoch !== undefined && (reader.epoch === undefined || r.epoch > reader.epoch),
    );
    if (stronger !== undefined) {
      return {
        condition: "amqp:link:stolen",
        description: `Receiver '${reader.sender.name}' was refused: a receiver with epoch ${stronger.epoch} is open on ${reader.key}.`,
      };
    }
    if (reader.epoch !== undefined) {
      for (const rival of rivals) {
        this.byLink.delete(rival.sender);
        rival.close({
          condition: "amqp:link:stolen",
          description: `New receiver with epoch ${reader.epoch} is created hence current receiver '${rival.sender.name}' is getting disconnected.`,
        });
      }
    }
    this.byLink.set(reader.sender, reader);
    return undefined;
  }

  /** The reader on `sender`, if any. */
  get(sender: Sender): PartitionReader | undefined {
    return this.byLink.get(sender);
  }

  /** Forgets the reader on `sender` (its link closed). */
  remove(sender: Sender): void {
    this.byLink.get(sender)?.close();
    this.byLink.delete(sender);
  }

  /** Forgets every reader of a connection that dropped (rhea reports no link closes for it). */
  removeConnection(connection: Connection): void {
    for (const [sender, reader] of this.byLink) {
      if (sender.connection !== connection) continue;
      reader.close();
      this.byLink.delete(sender);
    }
  }
}
