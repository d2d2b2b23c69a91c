import { randomBytes } from "node:crypto";
import { SwitchyardError } from "@switchyard/core";
import type { Environment } from "@switchyard/core";

/** The variable the config's topic, stream, key-prefix and file names carry the run in: `${FRAUD_RUN:-fraud}`. */
export const RUN_VARIABLE = "FRAUD_RUN";

/** What every demo run's name starts with; `npm run demo -- --clean` removes what names starting with it hold. */
export const DEMO_RUN_PREFIX = "fraud-demo-";

const LABEL = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * The name of one demo run: {@link DEMO_RUN_PREFIX} and `label`, or a fresh
 * label (time and a random part) when none is given, so two runs never share
 * a topic, stream or state key unless asked to. Labels are lower-case letters,
 * digits and dashes, since every engine accepts those in its names.
 */
export function demoRunName(label?: string): string {
  if (label === undefined) {
    return `${DEMO_RUN_PREFIX}${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
  }
  if (!LABEL.test(label)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `--run takes lower-case letters, digits and dashes (at most 40), got "${label}"`,
    );
  }
  return `${DEMO_RUN_PREFIX}${label}`;
}

/** `env` with the run's name in {@link RUN_VARIABLE}, for the config's `${...}` references. */
export function runEnvironment(env: Environment, runName: string): Environment {
  return { ...env, [RUN_VARIABLE]: runName };
}
