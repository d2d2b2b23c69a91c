import type { ModelCapabilities } from "../driver/capabilities.js";
import type { ModelDriver } from "../driver/model.js";
import { type ErrorCode, SwitchyardError } from "../errors.js";
import { classifyHttpError } from "./classify.js";
import type { HttpModelTarget } from "./endpoint-url.js";
import { callBytes, callJson } from "./http-call.js";

/**
 * What every HTTP model driver shares: the target, JSON calls with the target's
 * timeout, HTTP error classification, and the closed state. Subclasses speak
 * one serving protocol (`predict`, `probe`).
 */
export abstract class HttpModelDriver implements ModelDriver {
  /** At most `maxBatch` inputs per call (URL parameter, default 64). */
  readonly capabilities: ModelCapabilities;
  private closed = false;

  constructor(protected readonly target: HttpModelTarget) {
    this.capabilities = { maxBatch: target.maxBatch };
  }

  abstract predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]>;

  errorCode(err: unknown): ErrorCode {
    return classifyHttpError(err);
  }

  /** There is no SDK client behind this driver: always undefined. */
  as<T>(_type: abstract new (...args: never[]) => T): T | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The model's path under `prefix`, with `/versions/{v}` when the URL names a version. */
  protected modelPath(prefix: string): string {
    const { origin, model, version } = this.target;
    const versioned = version === undefined ? "" : `/versions/${encodeURIComponent(version)}`;
    return `${origin}${prefix}/${encodeURIComponent(model)}${versioned}`;
  }

  protected checkOpen(): void {
    if (this.closed)
      throw new SwitchyardError("FailedPrecondition", `${this.target.what}: the driver is closed`);
  }

  protected call(url: string, signal: AbortSignal, body?: unknown): Promise<unknown> {
    const { fetch, timeoutMs, what, headers } = this.target;
    return callJson({
      fetch,
      url,
      signal,
      timeoutMs,
      what,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  }

  /** POSTs raw bytes with `headers`; resolves with the answer's headers and bytes. */
  protected callRaw(
    url: string,
    signal: AbortSignal,
    body: Uint8Array,
    headers: Readonly<Record<string, string>>,
  ): Promise<{ headers: Headers; bytes: Buffer }> {
    const { fetch, timeoutMs, what } = this.target;
    return callBytes({ fetch, url, signal, timeoutMs, what, headers: this.target.headers }, body, headers);
  }
}
