import {
  MultipleErrors,
  NetworkError,
  ProtocolError,
  ResponseError,
  TimeoutError,
} from "@platformatic/kafka";
import { SwitchyardError } from "@switchyard/core/driver";
import { describe, expect, it } from "vitest";
import { isCoordinatorNotReady, kafkaErrorCode } from "./errors.js";

describe("kafka error classification", () => {
  it("maps broker error ids, also inside per-request aggregates", () => {
    expect(kafkaErrorCode(new ProtocolError("UNKNOWN_TOPIC_OR_PARTITION"))).toBe("NotFound");
    expect(kafkaErrorCode(new ProtocolError("TOPIC_AUTHORIZATION_FAILED"))).toBe("PermissionDenied");
    expect(kafkaErrorCode(new ProtocolError("SASL_AUTHENTICATION_FAILED"))).toBe("Unauthenticated");
    expect(kafkaErrorCode(new ProtocolError("NOT_LEADER_OR_FOLLOWER"))).toBe("Unavailable");
    expect(kafkaErrorCode(new ProtocolError("MESSAGE_TOO_LARGE"))).toBe("InvalidArgument");
    const aggregate = new MultipleErrors("Producing messages failed.", [
      new ProtocolError("TOPIC_ALREADY_EXISTS"),
    ]);
    expect(kafkaErrorCode(aggregate)).toBe("AlreadyExists");
  });

  it("maps connection failures, time-outs and everything else without throwing", () => {
    expect(kafkaErrorCode(new NetworkError("Connection refused"))).toBe("Unavailable");
    expect(kafkaErrorCode(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe("Unavailable");
    expect(kafkaErrorCode(Object.assign(new Error("no route"), { code: "ENETUNREACH" }))).toBe("Unavailable");
    expect(kafkaErrorCode(Object.assign(new Error("lookup"), { code: "EAI_AGAIN" }))).toBe("Unavailable");
    expect(kafkaErrorCode(new TimeoutError("Request timed out"))).toBe("DeadlineExceeded");
    expect(kafkaErrorCode(new SwitchyardError("InvalidArgument", "x"))).toBe("InvalidArgument");
    expect(kafkaErrorCode(new DOMException("stop", "AbortError"))).toBe("Canceled");
    expect(kafkaErrorCode("weird")).toBe("Unknown");
    expect(kafkaErrorCode(null)).toBe("Unknown");
  });

  it("tells a group coordinator that is still loading from other join failures", () => {
    const JOIN_GROUP_API = 11;
    const answer = (code: number) => new ResponseError(JOIN_GROUP_API, 9, { "/": [code, null] }, {});
    // As a broker that has just started answers JoinGroup: not the coordinator yet, then loading.
    const starting = new MultipleErrors("joinGroup failed 3 times.", [answer(16), answer(14), answer(14)]);
    expect(isCoordinatorNotReady(starting)).toBe(true);
    expect(kafkaErrorCode(starting)).toBe("Unavailable");
    const refused = new MultipleErrors("joinGroup failed 2 times.", [answer(16), answer(30)]);
    expect(isCoordinatorNotReady(refused)).toBe(false);
    expect(isCoordinatorNotReady(new NetworkError("Connection closed"))).toBe(false);
  });
});
