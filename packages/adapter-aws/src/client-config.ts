import { SwitchyardError } from "@switchyard/core/driver";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** URL parameters every AWS resource accepts: the region and an endpoint override. */
export const CLIENT_PARAMS = ["region", "endpoint"] as const;

/** The SDK service ids whose `AWS_ENDPOINT_URL_<ID>` variable names an endpoint override. */
export type ServiceId = "KINESIS" | "DYNAMODB" | "TIMESTREAM_WRITE" | "SAGEMAKER_RUNTIME";

/** What an AWS SDK v3 client is built with, from a resource URL and the environment. */
export interface ClientSettings {
  /** The region; omitted lets the SDK's provider chain find it (AWS_REGION, profile). */
  region?: string;
  /** The endpoint override, when one is configured. */
  endpoint?: string;
  /** HTTP/1.1 handler, set only with an endpoint override (emulators do not speak HTTP/2). */
  requestHandler?: NodeHttpHandler;
}

/**
 * The client settings for `service` from `url`'s `region` and `endpoint`
 * parameters, else the SDK's standard variables `AWS_ENDPOINT_URL_<SERVICE>`
 * and `AWS_ENDPOINT_URL`. An override gets the HTTP/1.1 handler, which every
 * local emulator needs; real AWS keeps the SDK's default handler.
 */
export function clientSettings(
  url: URL,
  service: ServiceId,
  env: NodeJS.ProcessEnv = process.env,
  endpointParam = "endpoint",
): ClientSettings {
  const settings: ClientSettings = {};
  const region = url.searchParams.get("region") ?? undefined;
  if (region !== undefined && region !== "") settings.region = region;
  const endpoint =
    nonEmpty(url.searchParams.get(endpointParam)) ??
    nonEmpty(env[`AWS_ENDPOINT_URL_${service}`]) ??
    nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined) {
    if (!URL.canParse(endpoint)) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${url.protocol}//${url.host}: endpoint "${endpoint}" is not a URL — give one such as http://127.0.0.1:4567`,
      );
    }
    settings.endpoint = endpoint;
    settings.requestHandler = new NodeHttpHandler();
  }
  return settings;
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

/** Reads an optional positive integer parameter, or throws InvalidArgument naming it. */
export function positiveParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${url.protocol}//${url.host}: ${name}=${raw} must be a positive integer`,
    );
  }
  return value;
}

/** Reads an optional `true`/`false` parameter, or throws InvalidArgument naming it. */
export function booleanParam(url: URL, name: string, fallback: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (raw !== "true" && raw !== "false") {
    throw new SwitchyardError(
      "InvalidArgument",
      `${url.protocol}//${url.host}: ${name}=${raw} must be true or false`,
    );
  }
  return raw === "true";
}
