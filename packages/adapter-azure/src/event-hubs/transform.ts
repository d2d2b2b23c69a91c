/**
 * Translation between Switchyard records and Event Hubs events, apart from
 * I/O. Keys are partition keys; headers are application properties; the event
 * time travels as the `switchyard-time` property (Event Hubs stamps only its
 * own arrival time). A position is `<sequenceNumber>:<offset>`, both of which
 * a checkpoint needs.
 */
import type { EventData, ReceivedEventData } from "@azure/event-hubs";
import type { Headers, IncomingRecord, OutgoingRecord } from "@switchyard/core/driver";

/** The application property carrying a record's event time (ms since the epoch). */
export const TIME_PROPERTY = "switchyard-time";

/** The event a record is sent as; `messageId` becomes the record's id. */
export function toEvent(record: OutgoingRecord, messageId: string): EventData {
  return {
    body: record.value,
    messageId,
    properties: { ...record.headers, [TIME_PROPERTY]: record.timestamp },
  };
}

/** The bytes of an event body as the SDK hands it over (a Buffer unless another client sent JSON). */
function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return Buffer.from(JSON.stringify(body ?? null), "utf8");
}

/** The record an event is received as. */
export function toRecord(event: ReceivedEventData, partition: string): IncomingRecord {
  const headers: Headers = {};
  let timestamp = event.enqueuedTimeUtc.getTime();
  for (const [name, value] of Object.entries(event.properties ?? {})) {
    if (name === TIME_PROPERTY) {
      const time = Number(value);
      if (Number.isFinite(time)) timestamp = time;
    } else {
      headers[name] = value instanceof Date ? value.toISOString() : String(value);
    }
  }
  const offset = `${event.sequenceNumber}:${event.offset}`;
  return {
    key: event.partitionKey ?? undefined,
    value: bodyBytes(event.body),
    headers,
    timestamp,
    id: typeof event.messageId === "string" ? event.messageId : `${partition}:${event.sequenceNumber}`,
    position: { partition, offset },
  };
}

/** The sequence number and offset a position (`<sequenceNumber>:<offset>`) stands for. */
export function parsePosition(offset: string): { sequenceNumber: number; offset: string } {
  const colon = offset.indexOf(":");
  return colon === -1
    ? { sequenceNumber: Number(offset), offset: "" }
    : { sequenceNumber: Number(offset.slice(0, colon)), offset: offset.slice(colon + 1) };
}

/**
 * The bytes a record counts against `maxRecordBytes`: value, key and header
 * names and values. The SDK's own framing (message id, event time property,
 * annotations) comes out of the room the stream keeps below the link's limit.
 */
export function recordBytes(record: OutgoingRecord): number {
  let size = record.value.byteLength + (record.key === undefined ? 0 : Buffer.byteLength(record.key));
  for (const [name, value] of Object.entries(record.headers))
    size += Buffer.byteLength(name) + Buffer.byteLength(value);
  return size;
}
