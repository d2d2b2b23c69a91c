/**
 * The fraud example's persistent profiles that the end-to-end tests run, each
 * with the harness services it needs and the variables its URLs read from
 * them. A new profile (a cloud's, say) is one more line in
 * {@link PERSISTENT_PROFILES}, once its services are in test/harness/services.ts.
 */
import { describeService } from "../harness/suite.js";

/** Variables of the running services, by service name (as `describeService` hands them over). */
export type ServiceEnvs = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A profile of examples/fraud-detection/switchyard.config.ts whose data outlives the process. */
export interface PersistentProfile {
  /** The profile's name in the example's config. */
  profile: string;
  /** The harness services it needs (test/harness/services.ts). */
  services: readonly string[];
  /** The variables the profile's `${...}` read, from the services' variables. */
  env: (services: ServiceEnvs) => Record<string, string>;
}

/** The value of a service's variable; throws naming both when the service does not publish it. */
export function serviceVar(services: ServiceEnvs, service: string, name: string): string {
  const value = services[service]?.[name];
  if (value === undefined) throw new Error(`service ${service} publishes no ${name}`);
  return value;
}

const redisHost = (s: ServiceEnvs) => new URL(serviceVar(s, "redis", "SWITCHYARD_REDIS_URL")).host;

/** Every persistent profile the e2e tests compare with `local`. */
export const PERSISTENT_PROFILES: readonly PersistentProfile[] = [
  {
    profile: "kafka",
    services: ["kafka", "redis"],
    env: (s) => ({
      KAFKA_BROKERS: serviceVar(s, "kafka", "SWITCHYARD_KAFKA_BROKERS"),
      REDIS_HOST: redisHost(s),
    }),
  },
  { profile: "redis", services: ["redis"], env: (s) => ({ REDIS_HOST: redisHost(s) }) },
];

/**
 * `describeService` over several services: `fn` runs only when every one is
 * up and receives their variables; otherwise the suite is skipped with the
 * reason printed (or fails, under SWITCHYARD_REQUIRE_EMULATORS=1).
 */
export function describeServices(
  names: readonly string[],
  title: string,
  fn: (services: ServiceEnvs) => void,
  found: ServiceEnvs = {},
): void {
  const [first, ...rest] = names;
  if (first === undefined) {
    fn(found);
    return;
  }
  describeService(first, rest.length === 0 ? title : `${title} (${first})`, (env) =>
    describeServices(rest, title, fn, { ...found, [first]: env }),
  );
}
