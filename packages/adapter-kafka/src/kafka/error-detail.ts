/**
 * What went wrong inside a Kafka client error, in words. The client reports a
 * failed send as `Producing messages failed.` — an aggregate of per-broker
 * aggregates of retries, whose leaves are the broker's answers (ProtocolErrors
 * named by Kafka's error id and code) or socket failures. The leaves are what
 * an operator needs to see.
 */
import { SwitchyardError } from "@switchyard/core/driver";

interface Node {
  message?: unknown;
  code?: unknown;
  apiId?: unknown;
  apiCode?: unknown;
  path?: unknown;
  errors?: unknown;
  cause?: unknown;
  response?: unknown;
}

interface ProduceResponse {
  responses?: { name?: unknown; partitionResponses?: { index?: unknown }[] }[];
}

/** How many distinct causes a message names before it only counts the rest. */
const MOST = 3;

/** Where a produce response's error path (`/responses/0/partition_responses/2`) points: `topic partition N`. */
function partitionOf(path: unknown, response: unknown): string | undefined {
  if (typeof path !== "string" || typeof response !== "object" || response === null) return undefined;
  const match = /^\/responses\/(\d+)\/partition_responses\/(\d+)/.exec(path);
  if (match === null) return undefined;
  const topic = (response as ProduceResponse).responses?.[Number(match[1])];
  const partition = topic?.partitionResponses?.[Number(match[2])];
  if (typeof topic?.name !== "string" || typeof partition?.index !== "number") return undefined;
  return `${topic.name} partition ${partition.index}`;
}

function leaf(err: Node, response: unknown): string {
  const message = typeof err.message === "string" ? err.message : "";
  if (typeof err.apiId === "string") {
    const where = partitionOf(err.path, response);
    const code = typeof err.apiCode === "number" ? ` (Kafka error ${err.apiCode})` : "";
    return `${err.apiId}${code}${where === undefined ? "" : ` on ${where}`}: ${message}`;
  }
  return typeof err.code === "string" ? `${err.code}: ${message}` : message;
}

function collect(err: Node, response: unknown, into: Set<string>, depth: number): void {
  if (depth > 6) return;
  const inner = Array.isArray(err.errors) ? (err.errors as unknown[]) : [];
  const nested = inner.filter((e): e is Node => typeof e === "object" && e !== null);
  if (nested.length > 0) {
    const own = err.response ?? response;
    for (const e of nested) collect(e, own, into, depth + 1);
    return;
  }
  // A socket error under a client NetworkError says more ("ECONNREFUSED") than the wrapper.
  if (typeof err.cause === "object" && err.cause !== null && typeof err.apiId !== "string") {
    collect(err.cause, response, into, depth + 1);
    return;
  }
  into.add(leaf(err, response));
}

/**
 * The distinct causes inside a client error, most specific first as the client
 * nested them, e.g. `OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka error 45) on orders
 * partition 2: The broker received an out of order sequence number.`; undefined
 * when the error has nothing inside it.
 */
export function kafkaErrorDetail(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const node = err as Node;
  const hasInner = Array.isArray(node.errors) || (typeof node.cause === "object" && node.cause !== null);
  if (!hasInner) return undefined;
  const causes = new Set<string>();
  collect(node, undefined, causes, 0);
  const named = [...causes].slice(0, MOST);
  if (named.length === 0) return undefined;
  const more = causes.size - named.length;
  return named.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

/**
 * The client's error with its causes spelled out in the message (the client's
 * own error stays as `cause`, for classification and for `instanceof`). The
 * adapter's own SwitchyardErrors pass through as they are.
 */
export function withKafkaDetail(err: unknown): Error {
  if (err instanceof SwitchyardError) return err;
  const detail = kafkaErrorDetail(err);
  const message = err instanceof Error ? err.message : String(err);
  if (detail === undefined) return err instanceof Error ? err : new Error(message);
  return new Error(`${message} — ${detail}`, { cause: err });
}
