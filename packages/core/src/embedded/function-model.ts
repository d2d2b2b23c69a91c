import { SwitchyardError, codeOf } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { ModelCapabilities } from "../driver/capabilities.js";
import type { ModelDriver } from "../driver/model.js";

/** Options of {@link functionModel}. */
export interface FunctionModelOptions {
  /** Most inputs per call; core micro-batches up to this. Default 8192. */
  maxBatch?: number;
}

/**
 * A model driver over a function in code — rules, a hand-written scorer, or a
 * stand-in for a remote model in tests. The function receives a batch and
 * returns one output per input, in order; what it throws is classified as
 * `Unknown` unless it throws a SwitchyardError with its own code.
 */
export function functionModel<I, O>(
  fn: (inputs: I[]) => O[] | Promise<O[]>,
  options: FunctionModelOptions = {},
): ModelDriver {
  return new FunctionModel(
    fn as (inputs: unknown[]) => unknown[] | Promise<unknown[]>,
    options.maxBatch ?? 8192,
  );
}

class FunctionModel implements ModelDriver {
  readonly capabilities: ModelCapabilities;
  private readonly fn: (inputs: unknown[]) => unknown[] | Promise<unknown[]>;
  private closed = false;

  constructor(fn: (inputs: unknown[]) => unknown[] | Promise<unknown[]>, maxBatch: number) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new SwitchyardError(
        "InvalidArgument",
        `functionModel: maxBatch must be a positive integer, got ${maxBatch}`,
      );
    }
    this.fn = fn;
    this.capabilities = { maxBatch };
  }

  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    signal.throwIfAborted();
    if (this.closed) throw new SwitchyardError("FailedPrecondition", "functionModel: the model is closed");
    if (inputs.length > this.capabilities.maxBatch) {
      throw new SwitchyardError(
        "InvalidArgument",
        `functionModel: ${inputs.length} inputs in one call; maxBatch is ${this.capabilities.maxBatch}`,
      );
    }
    const outputs = await this.fn(inputs);
    if (!Array.isArray(outputs) || outputs.length !== inputs.length) {
      const got = Array.isArray(outputs) ? `${outputs.length} outputs` : typeof outputs;
      throw new SwitchyardError(
        "InvalidArgument",
        `functionModel: the function returned ${got} for ${inputs.length} inputs; return one output per input`,
      );
    }
    return outputs;
  }

  errorCode(err: unknown): ErrorCode {
    return codeOf(err);
  }

  as<T>(_type: abstract new (...args: never[]) => T): T | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
