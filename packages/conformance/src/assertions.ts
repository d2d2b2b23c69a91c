import assert from "node:assert/strict";
import type { ErrorCode } from "@switchyard/core";
import { SwitchyardError } from "@switchyard/core";

/** The portable code of a thrown value: its own for a SwitchyardError, else what the driver classifies it as. */
export function portableCode(err: unknown, classify: (err: unknown) => ErrorCode): ErrorCode {
  return err instanceof SwitchyardError ? err.code : classify(err);
}

/**
 * Asserts that `promise` rejects within `withinMs` with one of `codes`, reading
 * the code of a raw provider error through the driver's `classify`. Returns the error.
 */
export async function rejectsWith(
  promise: Promise<unknown>,
  codes: readonly ErrorCode[],
  classify: (err: unknown) => ErrorCode = () => "Unknown",
  withinMs = 10_000,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => (timer = setTimeout(() => resolve("hung"), withinMs)));
  const outcome = await Promise.race([
    promise.then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    hung,
  ]);
  clearTimeout(timer);
  assert.notEqual(
    outcome,
    "hung",
    `expected a ${codes.join(" or ")} error within ${withinMs} ms, but the call hung`,
  );
  if (outcome === "hung" || outcome.ok)
    assert.fail(`expected a ${codes.join(" or ")} error, but the call succeeded`);
  const code = portableCode(outcome.error, classify);
  assert.ok(
    codes.includes(code),
    `expected a ${codes.join(" or ")} error, got ${code}: ${String((outcome.error as Error)?.message ?? outcome.error)}`,
  );
  return outcome.error;
}

/** Resolves with what `promise` resolves to, failing the check if it takes longer than `withinMs`. */
export async function within<T>(promise: Promise<T>, withinMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new assert.AssertionError({ message: `${what} took longer than ${withinMs} ms` })),
      withinMs,
    );
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** An unrelated class, which no driver's `as()` may claim to be. */
export class Unrelated {
  readonly unrelated = true;
}

/**
 * Opens a driver on a missing resource. Opening may itself fail with NotFound
 * (then this resolves undefined: the check is done); any other failure fails the check.
 */
export async function openMissing<D>(create: () => Promise<D>): Promise<D | undefined> {
  try {
    return await create();
  } catch (err) {
    assert.ok(
      err instanceof SwitchyardError && err.code === "NotFound",
      `opening a missing resource must succeed or fail with NotFound, not ${String(err)}`,
    );
    return undefined;
  }
}
