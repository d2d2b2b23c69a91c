/**
 * A protocol-level test double of the Azure Event Hubs SERVICE, on rhea
 * (AMQP 1.0 over plain TCP on 127.0.0.1), for the real `@azure/event-hubs`
 * client with a development-emulator connection string. It is not a mock of
 * the SDK: the SDK runs unmodified against it.
 *
 * Modelled: SASL ANONYMOUS; `$cbs` put-token; `$management` READ of hub and
 * partition properties; sender links to a hub (round robin, or by partition
 * key) and to one partition, batched messages (format 0x80013700), the link's
 * `max_message_size`; receiver links per consumer group and partition with
 * offset / sequence-number / enqueued-time filters, the service's annotations
 * and owner levels (epochs) that steal partitions.
 *
 * NOT modelled (see docs/adapters/azure.md): authentication (any token is
 * accepted), TLS and WebSockets, retention and time-based expiry, the
 * service's partition-key hash (keys map to partitions by FNV-1a instead),
 * throttling and quotas (no ServerBusy, no 5-receiver limit), idempotent
 * publishing, geo-replication, `last_enqueued_*` runtime metrics on
 * deliveries, the Kafka endpoint, and consumer groups as entities (any group
 * name is accepted). Persistence across restarts only with a data file
 * (journal.ts): hubs and events, not links, credit or epochs.
 */
import type { AddressInfo, Server, Socket } from "node:net";
import rhea from "rhea";
import type { Connection, EventContext, Sender } from "rhea";
import { Namespace } from "./hub-log.js";
import { Journal } from "./journal.js";
import { PartitionReader, Readers } from "./readers.js";
import { putToken, readProperties } from "./requests.js";
import { eventsOf, startOf } from "./wire.js";

/** The largest message a sender link accepts, as the service advertises on attach (1 MiB). */
export const MAX_MESSAGE_BYTES = 1_048_576;

const RECEIVER_ADDRESS = /^([^/]+)\/ConsumerGroups\/([^/]+)\/Partitions\/([^/]+)$/i;

function notFound(what: string) {
  return { condition: "amqp:not-found", description: `The messaging entity '${what}' could not be found.` };
}

/** The running double: its namespace of hubs, its port, and how to stop it or drop its connections. */
export class EventHubsDouble {
  /** The hubs; create them before clients use them. */
  readonly namespace: Namespace;
  private readonly container = rhea.create_container({ id: "eventhubs-double", autoaccept: false });
  private readonly readers = new Readers();
  private readonly replyLinks = new WeakMap<Connection, Map<string, Sender>>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  /**
   * Starts listening on 127.0.0.1:`port` (0 picks a free port). With
   * `dataFile`, hubs and events are logged there and those already logged
   * are served again (see journal.ts).
   */
  static async start(port = 0, dataFile?: string): Promise<EventHubsDouble> {
    const double = new EventHubsDouble(dataFile === undefined ? undefined : new Journal(dataFile));
    await double.listen(port);
    return double;
  }

  private constructor(journal: Journal | undefined) {
    this.namespace = new Namespace(journal);
    const c = this.container;
    c.on("sender_open", (ctx: EventContext) => this.onReceiverAttach(ctx.sender!));
    c.on("receiver_open", (ctx: EventContext) => this.onSenderAttach(ctx));
    c.on("message", (ctx: EventContext) => this.onMessage(ctx));
    c.on("sendable", (ctx: EventContext) => this.readers.get(ctx.sender!)?.pump());
    c.on("sender_close", (ctx: EventContext) => this.readers.remove(ctx.sender!));
    c.on("disconnected", (ctx: EventContext) => this.readers.removeConnection(ctx.connection));
    c.on("connection_close", (ctx: EventContext) => this.readers.removeConnection(ctx.connection));
    // Errors of one client connection are that client's business, not the double's.
    c.on("error", () => undefined);
  }

  private async listen(port: number): Promise<void> {
    const server = this.container.listen({ port, host: "127.0.0.1" });
    this.server = server;
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** A development-emulator connection string for this double (plain TCP, any key). */
  connectionString(hub?: string): string {
    const entity = hub === undefined ? "" : `;EntityPath=${hub}`;
    return `Endpoint=sb://127.0.0.1:${this.port};SharedAccessKeyName=double;SharedAccessKey=double${entity};UseDevelopmentEmulator=true`;
  }

  /** Cuts every client connection at the socket, as a network fault would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy(new Error("connection dropped by the double"));
  }

  /** Drops every connection and stops listening. */
  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) =>
      this.server === undefined ? resolve() : this.server.close(() => resolve()),
    );
  }

  /** A client receiver link: `$cbs` or `$management` replies, or a partition reader. */
  private onReceiverAttach(sender: Sender): void {
    const address = String(sender.source?.address ?? "");
    if (address === "$cbs" || address === "$management") {
      // $cbs replies go to the link named in reply_to; $management ones to the link's target.
      const route = address === "$cbs" ? sender.name : String(sender.target?.address ?? sender.name);
      this.replies(sender.connection).set(route, sender);
      return;
    }
    const match = RECEIVER_ADDRESS.exec(address);
    const hub = match === null ? undefined : this.namespace.get(match[1]!);
    const partition = hub?.partition(match![3]!);
    if (hub === undefined || partition === undefined) {
      sender.close(notFound(address));
      return;
    }
    let start;
    try {
      start = startOf(sender.source?.filter as Record<string, unknown> | undefined);
    } catch (err) {
      sender.close({ condition: "amqp:not-implemented", description: (err as Error).message });
      return;
    }
    const epochProperty = (sender.properties as Record<string, unknown> | undefined)?.["com.microsoft:epoch"];
    const epoch = epochProperty === undefined ? undefined : Number(epochProperty);
    const key = `${hub.name}/${match![2]!.toLowerCase()}/${partition.id}`.toLowerCase();
    const reader = new PartitionReader(sender, key, epoch, partition, partition.indexOf(start));
    const refused = this.readers.admit(reader);
    if (refused !== undefined) {
      reader.close(refused);
      return;
    }
    reader.pump();
  }

  /** A client sender link: to `$cbs`, `$management`, a hub or one of its partitions. */
  private onSenderAttach(ctx: EventContext): void {
    const receiver = ctx.receiver!;
    const address = String(receiver.target?.address ?? "");
    (
      receiver as unknown as { local: { attach: { max_message_size: number } } }
    ).local.attach.max_message_size = MAX_MESSAGE_BYTES;
    if (address.startsWith("$")) return;
    const [hubName, , partitionId] = address.split("/");
    const hub = this.namespace.get(hubName ?? "");
    if (hub === undefined || (partitionId !== undefined && hub.partition(partitionId) === undefined)) {
      receiver.close(notFound(address));
    }
  }

  private onMessage(ctx: EventContext): void {
    const receiver = ctx.receiver!;
    const address = String(receiver.target?.address ?? "");
    const delivered = ctx.message!;
    if (address === "$cbs" || address === "$management") {
      const reply =
        address === "$cbs" ? putToken(delivered, this.namespace) : readProperties(delivered, this.namespace);
      ctx.delivery!.accept();
      this.replies(ctx.connection).get(String(delivered.reply_to))?.send(reply);
      return;
    }
    const [hubName, , partitionId] = address.split("/");
    const hub = this.namespace.get(hubName ?? "");
    if (hub === undefined) {
      ctx.delivery!.reject(notFound(address));
      return;
    }
    const events = eventsOf(delivered, (ctx as { format?: number }).format);
    const now = Date.now();
    // One batch lands in one partition, as the service keeps a batch together.
    const key = events.find((e) => e.partitionKey !== undefined)?.partitionKey;
    const partition =
      partitionId !== undefined
        ? hub.partition(partitionId)
        : key === undefined
          ? hub.nextPartition()
          : hub.partitionForKey(key);
    if (partition !== undefined) this.namespace.append(hub, partition, events, now);
    ctx.delivery!.accept();
  }

  private replies(connection: Connection): Map<string, Sender> {
    let routes = this.replyLinks.get(connection);
    if (routes === undefined) {
      routes = new Map();
      this.replyLinks.set(connection, routes);
    }
    return routes;
  }
}
