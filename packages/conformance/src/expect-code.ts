import type { ErrorCode } from "@switchyard/core";
import { ERROR_CODES, SwitchyardError } from "@switchyard/core";
import { expect } from "vitest";

/** Asserts that `promise` rejects with a SwitchyardError of one of `codes`, and returns the error. */
export async function expectCode(
  promise: Promise<unknown>,
  ...codes: [ErrorCode, ...ErrorCode[]]
): Promise<SwitchyardError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome))
    throw new Error(`expected a ${codes.join(" or ")} error, but the call succeeded`);
  expect(outcome.error).toBeInstanceOf(SwitchyardError);
  expect(codes).toContain((outcome.error as SwitchyardError).code);
  return outcome.error as SwitchyardError;
}

/** Values a driver's `errorCode` must classify without throwing. */
const GARBAGE: unknown[] = [
  new Error("something odd happened"),
  "a bare string",
  undefined,
  null,
  42,
  {},
  { code: "ECONNREFUSED" },
  { name: "SomeProviderError", $metadata: { httpStatusCode: 999 } },
];

/** Asserts that `errorCode` classifies any thrown value into a portable code without throwing. */
export function expectClassifiesGarbage(errorCode: (err: unknown) => ErrorCode): void {
  for (const value of GARBAGE) {
    const code = errorCode(value);
    expect(ERROR_CODES, `errorCode(${String(value)}) returned ${String(code)}`).toContain(code);
  }
}

/** An unrelated class, which no driver's `as()` may claim to be. */
export class Unrelated {
  readonly unrelated = true;
}
