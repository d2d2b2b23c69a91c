/**
 * The test-side half of the harness: find a service the global setup started,
 * or skip its suite with the reason printed.
 */
import { describe, inject } from "vitest";
import type { ServicesContext } from "./context.js";

function context(): ServicesContext | undefined {
  try {
    return inject("switchyardServices");
  } catch {
    return undefined;
  }
}

/** The variables of running service `name` (e.g. `SWITCHYARD_<NAME>_URL`), or undefined when it is not up. */
export function serviceEnv(name: string): Record<string, string> | undefined {
  return context()?.env[name];
}

/** Why service `name` is not up in this run, or undefined when it is. */
export function serviceMissingReason(name: string): string | undefined {
  const services = context();
  if (services === undefined) {
    return "the harness global setup did not run (use the root vitest.config.ts)";
  }
  if (services.env[name] !== undefined) return undefined;
  return (
    services.missing[name] ??
    `not started for this run: name it in the test file with describeService or set SWITCHYARD_SERVICES=${name}`
  );
}

/**
 * A `describe` block that runs only when service `name` is up; `fn` receives
 * its variables. Otherwise the suite is skipped and the reason printed.
 */
export function describeService(
  name: string,
  title: string,
  fn: (env: Record<string, string>) => void,
): void {
  const env = serviceEnv(name);
  const reason = serviceMissingReason(name);
  if (reason !== undefined) console.warn(`⚠ skipping "${title}": ${name} — ${reason}`);
  // Skipped only because the service is missing; the reason is printed above and in the run summary.
  describe.skipIf(env === undefined)(reason === undefined ? title : `${title} [skipped: ${reason}]`, () =>
    fn(env ?? {}),
  );
}
