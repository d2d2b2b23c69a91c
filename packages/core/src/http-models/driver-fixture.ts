/**
 * Test fixture: opens HTTP model URLs through the adapter, as core's registry
 * would, and reports the portable code a failing call ends with.
 */
import type { ModelDriver } from "../driver/model.js";
import { wrapError } from "../errors.js";
import { httpModels } from "./adapter.js";

/** Opens a model URL through the adapter, as core's registry would. */
export async function open(url: string): Promise<ModelDriver> {
  const parsed = new URL(url);
  const handler = httpModels().schemes.find((s) => `${s.scheme}:` === parsed.protocol)!;
  return (await handler.create(parsed, { name: "fraud", baseDir: "." })) as ModelDriver;
}

/** The portable code a failing call ends with, as core would wrap it. */
export async function failure(driver: ModelDriver, call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return wrapError(err, (e) => driver.errorCode(e), "predict").code;
  }
  throw new Error("expected the call to fail");
}
