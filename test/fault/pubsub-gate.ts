/**
 * A TCP relay in front of the Pub/Sub emulator that can be shut: the address
 * the pipeline's clients use while the emulator restarts and is given back its
 * topics and subscriptions. Shut, it refuses connections and drops every open
 * one, as an unreachable endpoint does; opened, it relays bytes unchanged.
 */
import { Socket, createServer } from "node:net";
import type { Server } from "node:net";

/** A relay from 127.0.0.1:`port` to 127.0.0.1:`target`, open once {@link Gate.open} resolves. */
export class Gate {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    /** The port clients connect to. */
    readonly port: number,
    /** The emulator's port. */
    private readonly target: number,
  ) {}

  /** `127.0.0.1:<port>`, for `PUBSUB_EMULATOR_HOST`. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts accepting connections and relaying them to the emulator. */
  async open(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** Stops accepting connections and drops the open ones. */
  async shut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = new Socket();
    const pair = [client, upstream];
    for (const socket of pair) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      // Either end going away takes the other with it, as a lost connection does.
      socket.on("error", () => undefined);
      socket.on("close", () => {
        for (const other of pair) {
          other.destroy();
          this.sockets.delete(other);
        }
      });
    }
    upstream.connect(this.target, "127.0.0.1", () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}
