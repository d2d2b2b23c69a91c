import { SwitchyardError } from "../errors.js";

/** The SwitchyardError a promise rejects with, for tests that inspect code, message and cause. */
export async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SwitchyardError) return err;
    throw err;
  }
  throw new Error("expected the promise to reject with a SwitchyardError");
}
