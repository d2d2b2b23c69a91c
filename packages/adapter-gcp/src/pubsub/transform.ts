import type { Headers, IncomingRecord, OutgoingRecord } from "@switchyard/core/driver";

/** The attribute that carries a record's event time (ms since the epoch, as text). */
export const TIME_ATTRIBUTE = "switchyard-time";
/** The attribute that carries a record's key when ordering keys are off. */
export const KEY_ATTRIBUTE = "switchyard-key";

/** What the adapter publishes for one record: data, attributes and the ordering key. */
export interface OutgoingMessage {
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey?: string;
}

/** What the adapter reads from a received message (a subset of the client's `Message`). */
export interface ReceivedMessage {
  id: string;
  ackId: string;
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey?: string;
  publishTime: { getTime(): number };
}

/**
 * A record as a Pub/Sub message: headers become attributes, the event time goes
 * in {@link TIME_ATTRIBUTE}, and the key becomes the ordering key (or, with
 * ordering off, the {@link KEY_ATTRIBUTE} attribute), so every part round-trips.
 */
export function messageOf(record: OutgoingRecord, orderingKeys: boolean): OutgoingMessage {
  // Built by a loop: in the pubsub bench this took less CPU per record than a spread with a computed key.
  const attributes: Record<string, string> = {};
  const { headers } = record;
  for (const name in headers) attributes[name] = headers[name]!;
  attributes[TIME_ATTRIBUTE] = String(record.timestamp);
  const data = Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
  if (record.key === undefined || record.key === "") return { data, attributes };
  if (orderingKeys) return { data, attributes, orderingKey: record.key };
  attributes[KEY_ATTRIBUTE] = record.key;
  return { data, attributes };
}

/** The bytes of a record's value, key and headers, which `maxRecordBytes` bounds. */
export function recordBytes(record: OutgoingRecord): number {
  const { headers } = record;
  let size = record.value.byteLength + Buffer.byteLength(record.key ?? "");
  for (const name in headers) size += Buffer.byteLength(name) + Buffer.byteLength(headers[name]!);
  return size;
}

/**
 * A received message as a record of lane `lane` at position `offset`, which
 * the consumer hands out (ack ids are not unique enough: see consumer.ts).
 */
export function recordOf(message: ReceivedMessage, lane: string, offset: string): IncomingRecord {
  const headers: Headers = {};
  let key = message.orderingKey === "" ? undefined : message.orderingKey;
  let timestamp = message.publishTime.getTime();
  const { attributes } = message;
  // for…in, not Object.entries: no array per attribute, once per received record.
  for (const name in attributes) {
    const value = attributes[name]!;
    if (name === TIME_ATTRIBUTE) {
      const parsed = Number(value);
      if (Number.isFinite(parsed)) timestamp = parsed;
    } else if (name === KEY_ATTRIBUTE) {
      key ??= value;
    } else {
      headers[name] = value;
    }
  }
  return {
    key,
    value: new Uint8Array(message.data.buffer, message.data.byteOffset, message.data.byteLength),
    headers,
    timestamp,
    id: message.id,
    position: { partition: lane, offset },
  };
}

/**
 * The lane (core partition) of a key: a stable hash of the ordering key, so
 * records of one key stay in one lane and keep their order; keyless records
 * take `fallback`.
 */
export function laneOf(key: string | undefined, lanes: number, fallback: number): string {
  if (lanes === 1) return "0";
  if (key === undefined) return String(fallback % lanes);
  // FNV-1a over UTF-16 code units: cheap, stable across processes.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return String((hash >>> 0) % lanes);
}
