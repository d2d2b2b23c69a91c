import type { TokenCredential } from "@azure/identity";
import type { ErrorCode, ModelCapabilities, ModelDriver } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { azureErrorCode } from "../errors.js";

/** The scope Entra ID tokens for Azure ML online endpoints are issued for. */
const TOKEN_SCOPE = "https://ml.azure.com/.default";

/** Everything an Azure ML endpoint needs, resolved from its URL, the adapter's options and the environment. */
export interface AzureMlOptions {
  /** The scoring URL, e.g. `https://fraud.westeurope.inference.ml.azure.com/score`. */
  url: string;
  /** The deployment to route to (`azureml-model-deployment`); default: the endpoint's traffic split. */
  deployment: string | undefined;
  /** The endpoint key, sent as `Authorization: Bearer <key>`; wins over `credential`. */
  key: string | undefined;
  /** An Entra ID credential for endpoints with token auth (used only when there is no key). */
  credential: TokenCredential | undefined;
  /** Most inputs per request. Default 64. */
  maxBatch: number;
}

/** An HTTP answer other than 2xx, with its status for classification. */
export class AzureMlHttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = "AzureMlHttpError";
  }
}

/**
 * An Azure ML managed online endpoint as a model: JSON `{"input_data":
 * {"data": rows}}` posted to its scoring URL, answered with one prediction per
 * row (a JSON array, or `{"predictions": [...]}`). No SDK client: `as()` is
 * always undefined.
 */
export class AzureMlEndpoint implements ModelDriver {
  readonly capabilities: ModelCapabilities;
  private closed = false;

  constructor(private readonly options: AzureMlOptions) {
    this.capabilities = { maxBatch: options.maxBatch };
  }

  private async headers(signal: AbortSignal): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (this.options.deployment !== undefined) headers["azureml-model-deployment"] = this.options.deployment;
    if (this.options.key !== undefined) headers.authorization = `Bearer ${this.options.key}`;
    else if (this.options.credential !== undefined) {
      const token = await this.options.credential.getToken(TOKEN_SCOPE, { abortSignal: signal });
      if (token === null) throw new SwitchyardError("Unauthenticated", `${this.where}: no Entra ID token`);
      headers.authorization = `Bearer ${token.token}`;
    }
    return headers;
  }

  private get where(): string {
    return `azureml endpoint ${new URL(this.options.url).host}`;
  }

  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    if (this.closed) throw new SwitchyardError("FailedPrecondition", `${this.where}: the driver is closed`);
    if (inputs.length === 0) return [];
    const rows = inputs.map((x) =>
      ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x,
    );
    const res = await fetch(this.options.url, {
      method: "POST",
      headers: await this.headers(signal),
      body: JSON.stringify({ input_data: { data: rows } }),
      signal,
    });
    const text = await res.text();
    if (!res.ok) {
      const detail = text.length > 300 ? `${text.slice(0, 300)}…` : text;
      throw new AzureMlHttpError(`${this.where} answered HTTP ${res.status}: ${detail}`, res.status);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SwitchyardError("Internal", `${this.where} answered with text that is not JSON`);
    }
    // Scoring scripts that return a JSON string of the result (a common pattern) are read through.
    if (typeof body === "string") body = JSON.parse(body) as unknown;
    const predictions = Array.isArray(body) ? body : (body as { predictions?: unknown } | null)?.predictions;
    if (!Array.isArray(predictions) || predictions.length !== inputs.length) {
      throw new SwitchyardError(
        "Internal",
        `${this.where}: expected ${inputs.length} predictions (a JSON array or {"predictions": [...]}), got ${text.slice(0, 100)}`,
      );
    }
    return predictions;
  }

  errorCode(err: unknown): ErrorCode {
    if (err instanceof TypeError && /fetch failed/.test(err.message)) return "Unavailable";
    return azureErrorCode(err);
  }

  as<T>(_type: abstract new (...args: never[]) => T): T | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
