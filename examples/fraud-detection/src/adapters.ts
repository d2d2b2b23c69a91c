import type { Adapter } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core";

/** The adapter packages (and their factory exports) each profile of this example needs beyond core. */
export const PROFILE_ADAPTERS: Readonly<Record<string, readonly { pkg: string; factory: string }[]>> = {
  local: [],
  serving: [],
  kafka: [
    { pkg: "@switchyard/adapter-kafka", factory: "kafka" },
    { pkg: "@switchyard/adapter-redis", factory: "redis" },
  ],
  redis: [{ pkg: "@switchyard/adapter-redis", factory: "redis" }],
  aws: [{ pkg: "@switchyard/adapter-aws", factory: "aws" }],
  azure: [{ pkg: "@switchyard/adapter-azure", factory: "azure" }],
  gcp: [{ pkg: "@switchyard/adapter-gcp", factory: "gcp" }],
};

/**
 * The profile being run, as the config sees it when it is imported:
 * `SWITCHYARD_PROFILE`, else a `--profile`/`-p` argument of the command, else `local`.
 */
export function selectedProfile(env = process.env, argv = process.argv): string {
  if (env.SWITCHYARD_PROFILE !== undefined && env.SWITCHYARD_PROFILE !== "") return env.SWITCHYARD_PROFILE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--profile=")) return arg.slice("--profile=".length);
    if ((arg === "--profile" || arg === "-p") && argv[i + 1] !== undefined) return argv[i + 1]!;
  }
  return "local";
}

/**
 * Imports the adapters `profile` needs, and only those: `local` needs none, so
 * it runs with @switchyard/core alone. A package that is not installed is an
 * error naming the install command. Unknown profiles get none (the config
 * check then names the profiles that exist).
 */
export async function adaptersFor(profile: string): Promise<Adapter[]> {
  const adapters: Adapter[] = [];
  for (const { pkg, factory } of PROFILE_ADAPTERS[profile] ?? []) {
    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(pkg)) as Record<string, unknown>;
    } catch (err) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `profile "${profile}" needs ${pkg}, which cannot be loaded — npm install ${pkg}`,
        { cause: err },
      );
    }
    const make = namespace[factory];
    if (typeof make !== "function") {
      throw new SwitchyardError("FailedPrecondition", `${pkg} has no ${factory}() export — update ${pkg}`);
    }
    adapters.push((make as () => Adapter)());
  }
  return adapters;
}
