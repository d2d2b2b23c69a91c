import { SwitchyardError } from "../errors.js";
import type { StateRequirements } from "./state-store-types.js";

/** A capability a state store may lack. */
export type StateCapability = keyof StateRequirements;

/** How each capability is named in errors, with the call that needs it. */
export const STATE_FEATURES: Record<StateCapability, string> = {
  cas: "compare-and-set (ifVersion)",
  ttl: "time to live (ttlMs)",
  increment: "atomic increment",
};

/** The startup error for capabilities a pipeline needs and the store's adapter lacks. */
export function missingCapabilities(
  store: string,
  adapter: string,
  missing: readonly StateCapability[],
): SwitchyardError {
  const features = missing.map((c) => STATE_FEATURES[c]).join(" and ");
  return new SwitchyardError(
    "FailedPrecondition",
    `state store "${store}" needs ${features}, which its adapter ${adapter} does not support: ` +
      `point "${store}" at an adapter that declares ${missing.join(", ")} in this profile, ` +
      `or stop using ${features} on it`,
  );
}

/** The error for a call that needs a capability the store's adapter lacks. */
export function unsupported(store: string, adapter: string, capability: StateCapability): SwitchyardError {
  return new SwitchyardError(
    "Unimplemented",
    `state store "${store}": adapter ${adapter} does not support ${STATE_FEATURES[capability]}; ` +
      `call require({ ${capability}: true }) at startup to find out early, or use an adapter that declares ${capability}`,
  );
}

/** The error for a version conflict on a single put. */
export function versionConflict(
  store: string,
  key: string,
  ifVersion: string | null | undefined,
): SwitchyardError {
  const expected = ifVersion === null ? "absent" : `at version ${ifVersion}`;
  return new SwitchyardError(
    "FailedPrecondition",
    `state store "${store}": version conflict on key "${key}" (expected it ${expected}); read it again and retry`,
  );
}

/** Throws InvalidArgument unless `key` is a non-empty string. */
export function checkKey(store: string, key: unknown): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new SwitchyardError(
      "InvalidArgument",
      `state store "${store}": key ${JSON.stringify(key)} is not a non-empty string`,
    );
  }
}

/** Throws InvalidArgument unless `ttlMs` is absent or a positive number. */
export function checkTtl(store: string, key: string, ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `state store "${store}": ttlMs ${ttlMs} for key "${key}": pass a positive number of milliseconds`,
    );
  }
}
