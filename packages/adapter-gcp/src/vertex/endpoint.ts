import { GoogleAuth } from "google-auth-library";
import { SwitchyardError, deadlineSignal } from "@switchyard/core/driver";
import type { ErrorCode, ModelCapabilities, ModelDriver } from "@switchyard/core/driver";
import { gcpErrorCode } from "../errors.js";
import { vertexSettings } from "./settings.js";
import type { VertexSettings } from "./settings.js";
import { errorMessage, predictionsOf, requestBody } from "./transform.js";

/** Options of {@link VertexEndpoint}. */
export interface VertexEndpointOptions {
  /** A `GoogleAuth` (google-auth-library) to take access tokens from instead of one built for ADC. */
  client?: unknown;
}

/** The OAuth scope Vertex AI's prediction API accepts. */
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** A non-2xx answer from the endpoint, with its HTTP status for classification. */
export class VertexHttpError extends Error {
  /** The HTTP status. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "VertexHttpError";
    this.status = status;
  }
}

/**
 * A Vertex AI online prediction endpoint as a model: `{instances, parameters}`
 * POSTed to the REST `:predict` method, answered with one of `predictions` per
 * instance. Requests carry an access token from Application Default
 * Credentials (or an injected `GoogleAuth`), except toward a loopback host
 * such as a local model server. `as(GoogleAuth)` is the credential source.
 */
export class VertexEndpoint implements ModelDriver {
  readonly capabilities: ModelCapabilities;
  /** The endpoint's settings, from its URL. */
  readonly settings: VertexSettings;
  readonly #auth: GoogleAuth;
  #closed = false;

  /** Opens the endpoint `vertex://project/location/endpoint?…`; no call is made until it is used. */
  constructor(url: URL, options: VertexEndpointOptions = {}) {
    this.settings = vertexSettings(url);
    const { client } = options;
    if (client !== undefined && !(client instanceof GoogleAuth)) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${this.settings.where}: the injected client must be a GoogleAuth from google-auth-library`,
      );
    }
    this.#auth = client ?? new GoogleAuth({ scopes: SCOPE });
    this.capabilities = { maxBatch: this.settings.maxBatch };
  }

  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    signal.throwIfAborted();
    const { where, predictUrl, timeoutMs, parameters } = this.settings;
    if (this.#closed) throw new SwitchyardError("FailedPrecondition", `${where}: the driver is closed`);
    if (inputs.length === 0) return [];
    const deadline = deadlineSignal(signal, timeoutMs > 0 ? timeoutMs : undefined);
    let res: Response;
    let text: string;
    try {
      res = await fetch(predictUrl, {
        method: "POST",
        headers: await this.#headers(),
        body: requestBody(inputs, parameters),
        signal: deadline.signal,
      });
      text = await res.text();
    } finally {
      deadline.dispose();
    }
    if (!res.ok)
      throw new VertexHttpError(res.status, `${where} answered ${res.status}: ${errorMessage(text)}`);
    return predictionsOf(text, inputs.length, where);
  }

  errorCode(err: unknown): ErrorCode {
    if ((err as { name?: unknown } | null)?.name === "TimeoutError") return "DeadlineExceeded";
    return gcpErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.#auth instanceof type ? this.#auth : undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async #headers(): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (!this.settings.auth) return headers;
    let token: Headers;
    try {
      token = await this.#auth.getRequestHeaders();
    } catch (err) {
      const code = gcpErrorCode(err);
      throw new SwitchyardError(
        code === "Unknown" ? "Unauthenticated" : code,
        `${this.settings.where}: no Google access token (${err instanceof Error ? err.message : String(err)}) — ` +
          "set up Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or " +
          "gcloud auth application-default login), or inject a GoogleAuth",
        { cause: err },
      );
    }
    const authorization = token.get("authorization");
    if (authorization !== null) headers.authorization = authorization;
    return headers;
  }
}
