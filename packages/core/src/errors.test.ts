import { describe, expect, it } from "vitest";
import { SwitchyardError, isConnectionError, wrapError } from "./errors.js";

describe("wrapError", () => {
  it("keeps the driver's code and the provider error as cause", () => {
    const cause = new Error("connection refused");
    const err = wrapError(cause, () => "Unavailable", 'stream "tx": send');
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err.code).toBe("Unavailable");
    expect(err.message).toBe('stream "tx": send: connection refused');
    expect(err.cause).toBe(cause);
  });

  it("lets the driver classify a client error that calls itself AbortError", () => {
    const closed = Object.assign(new Error("Connection is closed."), { name: "AbortError" });
    expect(wrapError(closed, () => "Unavailable", "state").code).toBe("Unavailable");
  });

  it("turns an abort the driver does not know into Canceled", () => {
    const abort = new DOMException("aborted", "AbortError");
    expect(wrapError(abort, () => "Unknown", "model").code).toBe("Canceled");
  });

  it("does not wrap twice", () => {
    const once = new SwitchyardError("NotFound", "no such stream");
    expect(wrapError(once, () => "Internal", "again")).toBe(once);
  });
});

describe("isConnectionError", () => {
  it("tells socket errors of an unreachable endpoint from other errors", () => {
    for (const code of [
      "ECONNREFUSED",
      "ECONNRESET",
      "ECONNABORTED",
      "ETIMEDOUT",
      "ENETUNREACH",
      "EAI_AGAIN",
    ]) {
      expect(isConnectionError(Object.assign(new Error(code), { code }))).toBe(true);
    }
    expect(isConnectionError(Object.assign(new Error("no file"), { code: "ENOENT" }))).toBe(false);
    expect(isConnectionError({ code: 503 })).toBe(false);
    expect(isConnectionError(new Error("ECONNREFUSED"))).toBe(false);
    expect(isConnectionError("ECONNREFUSED")).toBe(false);
    expect(isConnectionError(null)).toBe(false);
  });
});
