import { ErrorResponse } from "@azure/cosmos";
import { MessagingError } from "@azure/event-hubs";
import { CredentialUnavailableError } from "@azure/identity";
import { RestError } from "@azure/storage-blob";
import { SwitchyardError } from "@switchyard/core/driver";
import { describe, expect, it } from "vitest";
import { azureErrorCode, startupError } from "./errors.js";

function messaging(code: string): MessagingError {
  const err = new MessagingError("from the service");
  err.code = code;
  return err;
}

function cosmos(status: number): ErrorResponse {
  const err = new ErrorResponse("from cosmos");
  err.code = status;
  return err;
}

describe("Azure error classification", () => {
  it("maps Event Hubs conditions: throttling, missing entities, lost connections, refused credentials", () => {
    expect(azureErrorCode(messaging("ServerBusyError"))).toBe("ResourceExhausted");
    expect(azureErrorCode(messaging("QuotaExceededError"))).toBe("ResourceExhausted");
    expect(azureErrorCode(messaging("MessagingEntityNotFoundError"))).toBe("NotFound");
    expect(azureErrorCode(messaging("ConnectionLostError"))).toBe("Unavailable");
    expect(azureErrorCode(messaging("UnauthorizedError"))).toBe("Unauthenticated");
    expect(azureErrorCode(messaging("ReceiverDisconnectedError"))).toBe("FailedPrecondition");
  });

  it("maps HTTP statuses of Blob Storage and Cosmos DB", () => {
    expect(azureErrorCode(new RestError("gone", { statusCode: 404 }))).toBe("NotFound");
    expect(azureErrorCode(new RestError("raced", { statusCode: 412 }))).toBe("FailedPrecondition");
    expect(azureErrorCode(cosmos(429))).toBe("ResourceExhausted");
    expect(azureErrorCode(cosmos(409))).toBe("AlreadyExists");
    expect(azureErrorCode(cosmos(503))).toBe("Unavailable");
  });

  it("maps sockets, identity, aborts and junk without throwing", () => {
    expect(azureErrorCode(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBe("Unavailable");
    expect(azureErrorCode(Object.assign(new Error("no route"), { code: "ENETUNREACH" }))).toBe("Unavailable");
    expect(azureErrorCode(Object.assign(new Error("aborted"), { code: "ECONNABORTED" }))).toBe("Unavailable");
    expect(azureErrorCode(new CredentialUnavailableError("no login"))).toBe("Unauthenticated");
    expect(azureErrorCode(new DOMException("stop", "AbortError"))).toBe("Canceled");
    expect(azureErrorCode(new SwitchyardError("InvalidArgument", "x"))).toBe("InvalidArgument");
    expect(azureErrorCode(null)).toBe("Unknown");
    expect(azureErrorCode(new AggregateError([messaging("ServerBusyError")]))).toBe("ResourceExhausted");
  });

  it("names the resource and the fix at startup, keeping the SDK error as cause", () => {
    const cause = messaging("MessagingEntityNotFoundError");
    const err = startupError(cause, "eventhubs://ns/tx");
    expect(err).toMatchObject({ code: "NotFound", cause });
    expect(err.message).toMatch(/^eventhubs:\/\/ns\/tx does not exist — create it first/);
  });

  it("names the endpoint it tried when a resource cannot be reached", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const err = startupError(cause, "cosmos://acct/db/c", "http://127.0.0.1:1/");
    expect(err).toMatchObject({ code: "Unavailable", cause });
    expect(err.message).toBe(
      "cosmos://acct/db/c cannot be reached at http://127.0.0.1:1/ — check the endpoint and the network",
    );
  });
});
