/** The settings of a `sagemaker://endpoint?…` URL. */
import { SwitchyardError } from "@switchyard/core/driver";
import { CLIENT_PARAMS, clientSettings, positiveParam } from "../client-config.js";
import type { ClientSettings } from "../client-config.js";

/** Every query parameter `sagemaker://` accepts. */
export const SAGEMAKER_PARAMS = [
  ...CLIENT_PARAMS,
  "contentType",
  "accept",
  "customAttributes",
  "targetVariant",
  "targetModel",
  "maxBatch",
] as const;

/** The body formats the driver writes and reads. */
export type SageMakerFormat = "json" | "csv";

/** A parsed `sagemaker://` URL. */
export interface SageMakerSettings {
  /** The SageMaker endpoint's name. */
  endpointName: string;
  /** The SageMaker runtime client's settings. */
  client: ClientSettings;
  /** How the batch is sent: JSON `{"instances": rows}` or CSV lines. */
  contentType: SageMakerFormat;
  /** How the answer is asked for; default the content type's format. */
  accept: SageMakerFormat;
  /** `X-Amzn-SageMaker-Custom-Attributes`, passed to the model container as is. */
  customAttributes: string | undefined;
  /** The production variant to call instead of the endpoint's traffic split. */
  targetVariant: string | undefined;
  /** The model to call on a multi-model endpoint. */
  targetModel: string | undefined;
  /** Most inputs per InvokeEndpoint call. */
  maxBatch: number;
}

/** Default inputs per call: well below SageMaker's 6 MB payload for tabular rows. */
export const DEFAULT_MAX_BATCH = 64;

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const FORMATS: Readonly<Record<string, SageMakerFormat>> = {
  json: "json",
  "application/json": "json",
  csv: "csv",
  "text/csv": "csv",
};

/** Reads a `sagemaker://endpoint?region=…` URL; throws InvalidArgument naming the fix on bad values. */
export function parseSageMakerUrl(url: URL, env: NodeJS.ProcessEnv = process.env): SageMakerSettings {
  const endpointName = decodeURIComponent(url.host);
  if (!ENDPOINT_NAME.test(endpointName) || (url.pathname !== "" && url.pathname !== "/")) {
    throw new SwitchyardError(
      "InvalidArgument",
      `sagemaker://${url.host}${url.pathname}: name one endpoint, e.g. sagemaker://fraud-scorer?region=us-east-1 (1-63 of a-z A-Z 0-9 -)`,
    );
  }
  const contentType = format(url, endpointName, "contentType", "json");
  return {
    endpointName,
    client: clientSettings(url, "SAGEMAKER_RUNTIME", env),
    contentType,
    accept: format(url, endpointName, "accept", contentType),
    customAttributes: url.searchParams.get("customAttributes") ?? undefined,
    targetVariant: url.searchParams.get("targetVariant") ?? undefined,
    targetModel: url.searchParams.get("targetModel") ?? undefined,
    maxBatch: positiveParam(url, "maxBatch", DEFAULT_MAX_BATCH),
  };
}

function format(url: URL, name: string, param: string, fallback: SageMakerFormat): SageMakerFormat {
  const raw = url.searchParams.get(param);
  if (raw === null) return fallback;
  const found = FORMATS[raw];
  if (found === undefined) {
    throw new SwitchyardError(
      "InvalidArgument",
      `sagemaker://${name}: ${param}=${raw} is not served; use json (application/json) or csv (text/csv)`,
    );
  }
  return found;
}
