/**
 * The Event Hubs test double's request/response nodes: `$cbs` put-token (every
 * token is accepted; one naming a hub that does not exist gets the service's
 * 404) and `$management` READ of hub and partition properties.
 */
import rhea from "rhea";
import type { Message } from "rhea";
import type { Namespace } from "./hub-log.js";

/** The reply to one request, before it is routed back to the caller's link. */
export type Reply = Message;

/** A property value as text: strings as they are, numbers printed, anything else empty. */
function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function notFound(entity: string): { "status-code": number; "status-description": string } {
  return {
    "status-code": 404,
    "status-description": `The messaging entity '${entity}' could not be found.`,
  };
}

/**
 * Answers a `$cbs` put-token. The double checks no signature or expiry: it
 * only refuses tokens for hubs that do not exist, as the service does.
 */
export function putToken(request: Message, namespace: Namespace): Reply {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  const audience = text(props.name);
  const hub = hubOfAudience(audience);
  const status =
    props.operation !== "put-token"
      ? { "status-code": 400, "status-description": `unsupported $cbs operation ${text(props.operation)}` }
      : hub !== undefined && namespace.get(hub) === undefined
        ? notFound(audience)
        : { "status-code": 202, "status-description": "Accepted" };
  return { correlation_id: request.message_id ?? "", application_properties: status, body: null };
}

/** The hub an audience such as `sb://host:port/hub/ConsumerGroups/$default/Partitions/0` names. */
function hubOfAudience(audience: string): string | undefined {
  const path = audience.replace(/^[a-z]+:\/\/[^/]+\/?/i, "");
  const first = path.split("/")[0];
  return first === undefined || first === "" || first.startsWith("$") ? undefined : first;
}

/** Answers a `$management` request: READ of `com.microsoft:eventhub` or `com.microsoft:partition`. */
export function readProperties(request: Message, namespace: Namespace): Reply {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  const reply = (status: Record<string, unknown>, body: unknown = null): Reply => ({
    correlation_id: request.message_id ?? "",
    application_properties: status,
    body,
  });
  if (props.operation !== "READ") {
    return reply({
      "status-code": 400,
      "status-description": `unsupported operation ${text(props.operation)}`,
      "error-condition": "amqp:not-implemented",
    });
  }
  const name = text(props.name);
  const hub = namespace.get(name);
  if (hub === undefined) return reply({ ...notFound(name), "error-condition": "amqp:not-found" });
  const ok = { "status-code": 200, "status-description": "OK" };
  if (props.type === "com.microsoft:eventhub") {
    return reply(ok, {
      name: hub.name,
      created_at: rhea.types.wrap_timestamp(hub.createdAt),
      partition_count: rhea.types.wrap_int(hub.partitions.length),
      partition_ids: hub.partitions.map((p) => p.id),
      georeplication_factor: rhea.types.wrap_int(1),
    });
  }
  const partition = hub.partition(text(props.partition));
  if (props.type !== "com.microsoft:partition" || partition === undefined) {
    return reply({
      "status-code": 400,
      "status-description": `no partition ${text(props.partition)} in ${hub.name}`,
      "error-condition": "com.microsoft:argument-out-of-range",
    });
  }
  const last = partition.events[partition.events.length - 1];
  return reply(ok, {
    name: hub.name,
    partition: partition.id,
    begin_sequence_number: rhea.types.wrap_long(0),
    last_enqueued_sequence_number: rhea.types.wrap_long(last?.sequenceNumber ?? -1),
    last_enqueued_offset: last?.offset ?? "-1",
    last_enqueued_time_utc: rhea.types.wrap_timestamp(last?.enqueuedTime ?? 0),
    is_partition_empty: last === undefined,
  });
}
