/**
 * Classification of Kafka client errors into Switchyard's portable codes. The
 * client reports broker errors as ProtocolErrors named by Kafka's error id
 * (`UNKNOWN_TOPIC_OR_PARTITION`), often wrapped in an AggregateError per request.
 */
import { TimeoutError } from "@platformatic/kafka";
import type { ErrorCode } from "@switchyard/core/driver";
import { SwitchyardError, isAbort, isConnectionError } from "@switchyard/core/driver";

const BY_KAFKA_ID: Record<string, ErrorCode> = {
  UNKNOWN_TOPIC_OR_PARTITION: "NotFound",
  UNKNOWN_TOPIC_ID: "NotFound",
  GROUP_ID_NOT_FOUND: "NotFound",
  RESOURCE_NOT_FOUND: "NotFound",
  TOPIC_ALREADY_EXISTS: "AlreadyExists",
  DUPLICATE_RESOURCE: "AlreadyExists",
  MESSAGE_TOO_LARGE: "InvalidArgument",
  RECORD_LIST_TOO_LARGE: "InvalidArgument",
  INVALID_TOPIC_EXCEPTION: "InvalidArgument",
  INVALID_PARTITIONS: "InvalidArgument",
  INVALID_REPLICATION_FACTOR: "InvalidArgument",
  INVALID_CONFIG: "InvalidArgument",
  INVALID_REQUIRED_ACKS: "InvalidArgument",
  INVALID_TIMESTAMP: "InvalidArgument",
  INVALID_RECORD: "InvalidArgument",
  INVALID_GROUP_ID: "InvalidArgument",
  INVALID_SESSION_TIMEOUT: "InvalidArgument",
  CORRUPT_MESSAGE: "InvalidArgument",
  UNSUPPORTED_COMPRESSION_TYPE: "InvalidArgument",
  POLICY_VIOLATION: "FailedPrecondition",
  OFFSET_OUT_OF_RANGE: "FailedPrecondition",
  ILLEGAL_GENERATION: "FailedPrecondition",
  UNKNOWN_MEMBER_ID: "FailedPrecondition",
  FENCED_INSTANCE_ID: "FailedPrecondition",
  PRODUCER_FENCED: "FailedPrecondition",
  TOPIC_AUTHORIZATION_FAILED: "PermissionDenied",
  GROUP_AUTHORIZATION_FAILED: "PermissionDenied",
  CLUSTER_AUTHORIZATION_FAILED: "PermissionDenied",
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: "PermissionDenied",
  SASL_AUTHENTICATION_FAILED: "Unauthenticated",
  UNSUPPORTED_SASL_MECHANISM: "Unauthenticated",
  ILLEGAL_SASL_STATE: "Unauthenticated",
  THROTTLING_QUOTA_EXCEEDED: "ResourceExhausted",
  GROUP_MAX_SIZE_REACHED: "ResourceExhausted",
  REQUEST_TIMED_OUT: "DeadlineExceeded",
  UNSUPPORTED_VERSION: "Unimplemented",
  UNSUPPORTED_FOR_MESSAGE_FORMAT: "Unimplemented",
  // Leadership moves, coordinator moves, rebalances and replica shortfalls pass by themselves.
  LEADER_NOT_AVAILABLE: "Unavailable",
  NOT_LEADER_OR_FOLLOWER: "Unavailable",
  BROKER_NOT_AVAILABLE: "Unavailable",
  REPLICA_NOT_AVAILABLE: "Unavailable",
  NETWORK_EXCEPTION: "Unavailable",
  COORDINATOR_LOAD_IN_PROGRESS: "Unavailable",
  COORDINATOR_NOT_AVAILABLE: "Unavailable",
  NOT_COORDINATOR: "Unavailable",
  NOT_ENOUGH_REPLICAS: "Unavailable",
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: "Unavailable",
  REBALANCE_IN_PROGRESS: "Unavailable",
  FENCED_LEADER_EPOCH: "Unavailable",
  UNKNOWN_LEADER_EPOCH: "Unavailable",
  KAFKA_STORAGE_ERROR: "Unavailable",
  // The idempotent producer's sequence numbers went out of step with the broker's (an answer lost
  // to a broker restart, a request written in part, producer state the broker lost). The stream
  // takes a new producer id before its next send, so trying again goes through.
  OUT_OF_ORDER_SEQUENCE_NUMBER: "Unavailable",
  DUPLICATE_SEQUENCE_NUMBER: "Unavailable",
  UNKNOWN_PRODUCER_ID: "Unavailable",
  INVALID_PRODUCER_EPOCH: "Unavailable",
  UNKNOWN_SERVER_ERROR: "Internal",
};

/** Client error codes (`PLT_KFK_*`) that are not broker answers. */
const BY_CLIENT_CODE: Record<string, ErrorCode> = {
  PLT_KFK_NETWORK: "Unavailable",
  PLT_KFK_TIMEOUT: "DeadlineExceeded",
  PLT_KFK_AUTHENTICATION: "Unauthenticated",
  PLT_KFK_USER: "InvalidArgument",
  PLT_KFK_UNSUPPORTED_API: "Unimplemented",
  PLT_KFK_UNSUPPORTED_COMPRESSION: "Unimplemented",
  PLT_KFK_UNSUPPORTED: "Unimplemented",
};

interface Shape {
  name?: unknown;
  code?: unknown;
  apiId?: unknown;
  errors?: unknown;
  cause?: unknown;
}

function classifyOne(err: Shape, depth: number): ErrorCode | undefined {
  if (depth > 5) return undefined;
  if (typeof err.apiId === "string" && BY_KAFKA_ID[err.apiId] !== undefined) return BY_KAFKA_ID[err.apiId];
  // The first specific answer among the per-partition errors of a request wins.
  if (Array.isArray(err.errors)) {
    for (const inner of err.errors) {
      if (typeof inner === "object" && inner !== null) {
        const code = classifyOne(inner as Shape, depth + 1);
        if (code !== undefined) return code;
      }
    }
  }
  if (err instanceof TimeoutError) return "DeadlineExceeded";
  if (typeof err.code === "string") {
    // A socket error: no broker there (yet).
    if (isConnectionError(err)) return "Unavailable";
    // The client reports metadata of a missing topic as a usage error.
    if (err.code === "PLT_KFK_USER" && /^Unknown topic/.test(String((err as Error).message)))
      return "NotFound";
    if (BY_CLIENT_CODE[err.code] !== undefined && err.code !== "PLT_KFK_NETWORK")
      return BY_CLIENT_CODE[err.code];
  }
  if (typeof err.cause === "object" && err.cause !== null) {
    const code = classifyOne(err.cause, depth + 1);
    if (code !== undefined) return code;
  }
  if (err.code === "PLT_KFK_NETWORK") return "Unavailable";
  return undefined;
}

/** The portable code of an error thrown by the Kafka client or by this adapter. Never throws. */
export function kafkaErrorCode(err: unknown): ErrorCode {
  try {
    if (err instanceof SwitchyardError) return err.code;
    if (isAbort(err)) return "Canceled";
    if (typeof err !== "object" || err === null) return "Unknown";
    return classifyOne(err, 0) ?? "Unknown";
  } catch {
    return "Unknown";
  }
}

/** Broker answers that mean the group coordinator is loading or moving, as just after a broker started. */
const COORDINATOR_NOT_READY = new Set([
  "COORDINATOR_LOAD_IN_PROGRESS",
  "COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR",
]);

/** Whether every broker answer inside the error says the group coordinator is not ready yet. */
export function isCoordinatorNotReady(err: unknown): boolean {
  const answers: string[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (depth > 5 || typeof e !== "object" || e === null) return;
    const { apiId, errors } = e as Shape;
    if (typeof apiId === "string") answers.push(apiId);
    if (Array.isArray(errors)) for (const inner of errors) walk(inner, depth + 1);
  };
  walk(err, 0);
  return answers.length > 0 && answers.every((id) => COORDINATOR_NOT_READY.has(id));
}

/** Whether the error says the topic does not exist. */
export function isUnknownTopic(err: unknown): boolean {
  return kafkaErrorCode(err) === "NotFound";
}
