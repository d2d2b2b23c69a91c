/**
 * The Event Hubs test double's log on disk: one JSON line per hub created or
 * deleted and per batch appended to a partition, written before the double
 * accepts the delivery. A double started again on the same file serves the
 * same hubs and events, with the same sequence numbers, offsets and enqueued
 * times, so a fault test can kill it and restart it as the service would come
 * back after a node failure. Lines reach the file with a plain write (the
 * operating system's cache): they survive a killed process, not a lost machine.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import rhea from "rhea";
import type { Message } from "rhea";
import type { NewEvent } from "./hub-log.js";

/** One stored event as the log keeps it. */
interface LoggedEvent {
  /** The encoded AMQP message, base64. */
  m: string;
  /** Its encoded size, which the partition's byte offsets count. */
  size: number;
  /** Its partition key, if any. */
  k?: string;
}

/** One line of the log. */
type Line =
  | { op: "hub"; name: string; partitions: number }
  | { op: "drop"; name: string }
  | { op: "events"; hub: string; partition: string; time: number; events: LoggedEvent[] };

/** What a namespace replays from the log. */
export interface Replayed {
  hub(name: string, partitions: number): void;
  drop(name: string): void;
  events(hub: string, partition: string, time: number, events: NewEvent[]): void;
}

/** An append-only log file of the double's hubs and events. */
export class Journal {
  constructor(private readonly path: string) {}

  /** Feeds every line already in the file to `into`, in order. */
  replay(into: Replayed): void {
    if (!existsSync(this.path)) return;
    for (const text of readFileSync(this.path, "utf8").split("\n")) {
      if (text === "") continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        // A line cut off by a kill mid-write: its delivery was never accepted.
        continue;
      }
      if (line.op === "hub") into.hub(line.name, line.partitions);
      else if (line.op === "drop") into.drop(line.name);
      else {
        const events = line.events.map((e) => ({
          message: rhea.message.decode(Buffer.from(e.m, "base64")) as unknown as Message,
          size: e.size,
          partitionKey: e.k,
        }));
        into.events(line.hub, line.partition, line.time, events);
      }
    }
  }

  /** Logs a hub's creation. */
  hubCreated(name: string, partitions: number): void {
    this.write({ op: "hub", name, partitions });
  }

  /** Logs a hub's deletion. */
  hubDeleted(name: string): void {
    this.write({ op: "drop", name });
  }

  /** Logs events appended to a partition at `time`. */
  appended(hub: string, partition: string, time: number, events: NewEvent[]): void {
    const logged = events.map((e) => {
      const entry: LoggedEvent = { m: rhea.message.encode(e.message).toString("base64"), size: e.size };
      if (e.partitionKey !== undefined) entry.k = e.partitionKey;
      return entry;
    });
    this.write({ op: "events", hub, partition, time, events: logged });
  }

  private write(line: Line): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}
