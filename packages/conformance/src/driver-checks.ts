import assert from "node:assert/strict";
import type { ErrorCode } from "@switchyard/core";
import { ERROR_CODES, SwitchyardError } from "@switchyard/core";
import { Unrelated, rejectsWith, within } from "./assertions.js";
import type { Check } from "./check.js";
import type { ClientClass } from "./harness.js";
import { abortErrors, junkErrors } from "./junk-errors.js";

/** What every driver kind has in common. */
export interface AnyDriver {
  errorCode(err: unknown): ErrorCode;
  as<T>(type: abstract new (...args: never[]) => T): T | undefined;
  probe?(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** How the common checks reach a driver of one kind. */
export interface DriverAccess<C, D extends AnyDriver> {
  /** The provider client class `as()` must hand out, or null. */
  client: ClientClass;
  /** Whether the harness claims `probe()`. */
  probe: boolean;
  /** A driver of the check's context, open. */
  driver(context: C): Promise<D>;
  /** A call that must fail once the driver is closed. */
  callAfterClose(driver: D): Promise<unknown>;
}

/** Codes a call on a closed driver may fail with: the caller's mistake, or the close cancelling it. */
const CLOSED_CODES: readonly ErrorCode[] = ["FailedPrecondition", "Canceled"];

/** The checks every driver kind passes: error classification, `as()`, `probe()` and `close()`. */
export function commonChecks<C, D extends AnyDriver>(access: DriverAccess<C, D>): Check<C>[] {
  return [
    {
      name: "errorCode classifies junk without throwing, keeps a SwitchyardError's code, and is never wrong about aborts",
      run: async (context) => {
        const driver = await access.driver(context);
        for (const value of junkErrors()) {
          let code: ErrorCode;
          try {
            code = driver.errorCode(value);
          } catch (err) {
            assert.fail(`errorCode(${describe(value)}) threw ${String(err)}`);
          }
          assert.ok(ERROR_CODES.includes(code), `errorCode(${describe(value)}) returned ${String(code)}`);
          assert.notEqual(code, "Canceled", `errorCode(${describe(value)}) calls a non-abort Canceled`);
        }
        for (const code of ERROR_CODES) {
          const own = driver.errorCode(new SwitchyardError(code, "the driver's own error"));
          assert.equal(own, code, `errorCode of a ${code} SwitchyardError must be ${code}, not ${own}`);
        }
        for (const value of abortErrors()) {
          const code = driver.errorCode(value);
          assert.ok(
            code === "Canceled" || code === "Unknown",
            `errorCode(${describe(value)}) calls an abort ${code}; return Canceled (or Unknown and core says Canceled)`,
          );
        }
      },
    },
    {
      name:
        access.client === null
          ? "as() returns undefined for every class (the driver wraps no provider client)"
          : `as(${access.client.name}) returns the provider client, and undefined for an unrelated class`,
      run: async (context) => {
        const driver = await access.driver(context);
        assert.equal(driver.as(Unrelated), undefined, "as(Unrelated) must be undefined");
        if (access.client === null) {
          assert.equal(
            driver.as(Object),
            undefined,
            "as(Object) must be undefined when the harness names no client",
          );
          return;
        }
        const client = driver.as(access.client);
        assert.ok(
          client instanceof access.client,
          `as(${access.client.name}) did not return an instance of it`,
        );
      },
    },
    {
      name: access.probe
        ? "probe() resolves on a reachable resource"
        : "probe() is absent, as the harness claims",
      run: async (context) => {
        const driver = await access.driver(context);
        assert.equal(
          typeof driver.probe === "function",
          access.probe,
          "probe() presence differs from the claim",
        );
        if (access.probe) await within(driver.probe!(AbortSignal.timeout(10_000)), 12_000, "probe()");
      },
    },
    {
      name: "close() is idempotent, and a call after close fails with a portable code instead of hanging",
      run: async (context) => {
        const driver = await access.driver(context);
        await within(driver.close(), 10_000, "close()");
        await within(driver.close(), 10_000, "a second close()");
        await rejectsWith(access.callAfterClose(driver), CLOSED_CODES, (e) => driver.errorCode(e), 5_000);
      },
    },
  ];
}

/** A short description of a junk value for failure messages (safe for cyclic objects and symbols). */
function describe(value: unknown): string {
  if (value instanceof Error) return `${value.constructor.name}(${JSON.stringify(value.message)})`;
  if (typeof value === "object" && value !== null)
    return `object with keys ${Object.keys(value).join(",") || "none"}`;
  return typeof value === "symbol" ? value.toString() : `${typeof value} ${String(value)}`;
}
