/**
 * What the Event Hubs test double reads and writes on the wire besides
 * rhea's own framing: the batch envelope the client sends (message format
 * 0x80013700, one encoded AMQP message per data section), the selector filter
 * a receiver attaches with, and the annotations the service stamps on events.
 */
import rhea from "rhea";
import type { Message } from "rhea";
import type { StartAt, StoredEvent } from "./hub-log.js";

/** The message format of a batch: Microsoft's vendor code and format 0x37. */
export const BATCH_FORMAT = 0x80013700;

const PARTITION_KEY = "x-opt-partition-key";

/** One event taken out of a delivery: the message, its encoded size and partition key. */
export interface IncomingEvent {
  message: Message;
  size: number;
  partitionKey: string | undefined;
}

/**
 * The events one delivery carries: a batch envelope (a raw buffer, as rhea
 * leaves custom formats) yields one per data section; a plain message one.
 */
export function eventsOf(delivered: Message | Buffer, format: number | undefined): IncomingEvent[] {
  if (format !== BATCH_FORMAT || !Buffer.isBuffer(delivered)) {
    const message = delivered as Message;
    return [{ message, size: rhea.message.encode(message).length, partitionKey: keyOf(message) }];
  }
  const envelope = decode(delivered);
  const envelopeKey = keyOf(envelope);
  const body = envelope.body as { content?: Buffer | Buffer[] } | undefined;
  const sections =
    body?.content === undefined ? [] : Array.isArray(body.content) ? body.content : [body.content];
  return sections.map((section) => {
    const message = decode(section);
    return { message, size: section.length, partitionKey: keyOf(message) ?? envelopeKey };
  });
}

/** rhea's decoder; its typings name a Message type of their own that lacks `body`. */
function decode(buffer: Buffer): Message {
  return rhea.message.decode(buffer) as unknown as Message;
}

function keyOf(message: Message): string | undefined {
  const key = (message.message_annotations as Record<string, unknown> | undefined)?.[PARTITION_KEY];
  return typeof key === "string" ? key : undefined;
}

/** The message a receiver gets for a stored event: as sent, plus the service's annotations. */
export function deliveryOf(event: StoredEvent): Message {
  const annotations: Record<string, unknown> = {
    ...(event.message.message_annotations as Record<string, unknown> | undefined),
    "x-opt-sequence-number": rhea.types.wrap_long(event.sequenceNumber),
    "x-opt-offset": event.offset,
    "x-opt-enqueued-time": rhea.types.wrap_timestamp(event.enqueuedTime),
  };
  if (event.partitionKey !== undefined) annotations[PARTITION_KEY] = event.partitionKey;
  return { ...event.message, message_annotations: annotations };
}

const SELECTOR =
  /amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\s*(>=|>)\s*'([^']*)'/;

/**
 * Where a receiver starts, from its link's `apache.org:selector-filter:string`
 * filter (`amqp.annotation.x-opt-offset > '-1'` …). No filter means the start.
 * Throws on an expression the double does not know.
 */
export function startOf(filter: Record<string, unknown> | undefined): StartAt {
  const entry = filter?.["apache.org:selector-filter:string"] as { value?: unknown } | string | undefined;
  const expression = typeof entry === "string" ? entry : entry?.value;
  if (expression === undefined) return { by: "offset", value: "-1", inclusive: false };
  const match = typeof expression === "string" ? SELECTOR.exec(expression) : null;
  if (match === null) throw new Error(`unsupported selector filter: ${JSON.stringify(expression)}`);
  const [, annotation, operator, value] = match as unknown as [string, string, string, string];
  const inclusive = operator === ">=";
  if (value === "@latest") return { by: "end" };
  if (annotation === "x-opt-offset") return { by: "offset", value, inclusive };
  if (annotation === "x-opt-sequence-number") return { by: "sequence", value: Number(value), inclusive };
  return { by: "enqueued", value: Number(value) };
}
