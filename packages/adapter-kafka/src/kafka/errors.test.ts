import { MultipleErrors, NetworkError, ProtocolError, TimeoutError } from "@platformatic/kafka";
import { SwitchyardError } from "@switchyard/core/driver";
import { describe, expect, it } from "vitest";
import { kafkaErrorCode } from "./errors.js";

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
    expect(kafkaErrorCode(new TimeoutError("Request timed out"))).toBe("DeadlineExceeded");
    expect(kafkaErrorCode(new SwitchyardError("InvalidArgument", "x"))).toBe("InvalidArgument");
    expect(kafkaErrorCode(new DOMException("stop", "AbortError"))).toBe("Canceled");
    expect(kafkaErrorCode("weird")).toBe("Unknown");
    expect(kafkaErrorCode(null)).toBe("Unknown");
  });
});
