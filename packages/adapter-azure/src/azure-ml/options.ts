import type { TokenCredential } from "@azure/identity";
import { SwitchyardError } from "@switchyard/core/driver";
import type { AzureMlOptions } from "./endpoint.js";

/** The query parameters an `azureml://` URL accepts. */
export const AZUREML_PARAMS = ["deployment", "maxBatch", "tls"] as const;

/** What the adapter's options may set for every `azureml://` endpoint. */
export interface AzureMlDefaults {
  /** The endpoint key. Default: `AZUREML_KEY`. */
  key?: string;
  /** An Entra ID credential, for endpoints with token auth. */
  credential?: TokenCredential;
}

/**
 * Resolves `azureml://host[:port]/score?deployment=…`: HTTPS unless
 * `?tls=false` (a local scoring server), the key from the adapter's options or
 * `AZUREML_KEY`, never from the URL.
 */
export function parseAzureMlUrl(url: URL, defaults: AzureMlDefaults, env: NodeJS.ProcessEnv): AzureMlOptions {
  const where = `azureml://${url.host}${url.pathname}`;
  if (url.host === "")
    throw new SwitchyardError(
      "InvalidArgument",
      `"${where}" must name a host: azureml://<endpoint host>/score`,
    );
  const q = url.searchParams;
  const tls = q.get("tls") ?? "true";
  if (tls !== "true" && tls !== "false") {
    throw new SwitchyardError("InvalidArgument", `${where}: ?tls=${tls} must be true or false`);
  }
  const maxBatch = Number(q.get("maxBatch") ?? "64");
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new SwitchyardError(
      "InvalidArgument",
      `${where}: ?maxBatch=${q.get("maxBatch")} must be a whole number above 0`,
    );
  }
  return {
    url: `${tls === "true" ? "https" : "http"}://${url.host}${url.pathname === "" || url.pathname === "/" ? "/score" : url.pathname}`,
    deployment: q.get("deployment") ?? undefined,
    key: defaults.key ?? env.AZUREML_KEY,
    credential: defaults.credential,
    maxBatch,
  };
}
