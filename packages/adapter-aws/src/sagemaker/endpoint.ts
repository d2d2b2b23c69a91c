/** A SageMaker real-time endpoint as a Switchyard model, called with InvokeEndpoint. */
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { ErrorCode, ModelCapabilities, ModelDriver } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { awsErrorCode } from "../errors.js";
import { answerOutputs, inputRows, mimeType, requestBody } from "./bodies.js";
import type { SageMakerSettings } from "./options.js";

/** Options of {@link SageMakerEndpoint}. */
export interface SageMakerEndpointOptions {
  /** A SageMaker runtime client to use instead of building one (the caller closes it). */
  client?: SageMakerRuntimeClient;
}

/**
 * The SageMaker model driver: one InvokeEndpoint call per batch, the rows sent
 * as JSON or CSV, with the URL's custom attributes, target variant and target
 * model. The client it builds makes one attempt per call: core's
 * ModelEndpoint owns retries, deadlines and the circuit breaker.
 */
export class SageMakerEndpoint implements ModelDriver {
  /** `maxBatch` inputs per call (URL parameter, default 64). */
  readonly capabilities: ModelCapabilities;
  private readonly client: SageMakerRuntimeClient;
  private readonly ownsClient: boolean;
  private readonly where: string;
  private closed = false;

  constructor(
    private readonly settings: SageMakerSettings,
    options: SageMakerEndpointOptions = {},
  ) {
    this.capabilities = { maxBatch: settings.maxBatch };
    this.client = options.client ?? new SageMakerRuntimeClient({ ...settings.client, maxAttempts: 1 });
    this.ownsClient = options.client === undefined;
    this.where = `sagemaker endpoint ${settings.endpointName}`;
  }

  /** Scores the batch in one call; resolves with the outputs the endpoint answered, one per row. */
  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    if (this.closed) throw new SwitchyardError("FailedPrecondition", `${this.where}: the driver is closed`);
    if (inputs.length === 0) return [];
    const { endpointName, contentType, accept, customAttributes, targetVariant, targetModel } = this.settings;
    const answer = await this.client.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: mimeType(contentType),
        Accept: mimeType(accept),
        Body: new TextEncoder().encode(requestBody(inputRows(inputs, this.where), contentType)),
        ...(customAttributes === undefined ? {} : { CustomAttributes: customAttributes }),
        ...(targetVariant === undefined ? {} : { TargetVariant: targetVariant }),
        ...(targetModel === undefined ? {} : { TargetModel: targetModel }),
      }),
      { abortSignal: signal },
    );
    if (answer.Body === undefined) throw new SwitchyardError("Internal", `${this.where} answered no body`);
    return answerOutputs(answer.Body, accept, inputs.length, this.where);
  }

  /**
   * SageMaker's codes, made portable: throttling is ResourceExhausted, 5xx and
   * unreachable endpoints Unavailable, a model container's 4xx (`ModelError`)
   * InvalidArgument, and the runtime's "Endpoint … not found" NotFound.
   */
  errorCode(err: unknown): ErrorCode {
    if (isMissingEndpoint(err)) return "NotFound";
    return awsErrorCode(err);
  }

  /** The SageMaker runtime client, for `as(SageMakerRuntimeClient)`. */
  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.client instanceof type ? this.client : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.destroy();
  }
}

/** The runtime answers a missing endpoint with a 400 ValidationError whose message names it. */
function isMissingEndpoint(err: unknown): boolean {
  const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
  return name === "ValidationError" && typeof message === "string" && /^Endpoint .* not found/.test(message);
}
