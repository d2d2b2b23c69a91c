import type { ErrorCode } from "@switchyard/core";
import type { ModelDriver } from "@switchyard/core/driver";
import type { ToyBackend } from "./backend.js";
import { ToyError } from "./backend.js";
import { toyErrorCode } from "./errors.js";

/**
 * The model driver for `toy://<model>`: a fixed linear score over three
 * features. `predict` answers exactly one output per input, in order, and an
 * empty batch with none; bad input is InvalidArgument. No retries, no
 * timeouts: core's ModelEndpoint owns both.
 */
export class ToyModel implements ModelDriver {
  readonly capabilities = { maxBatch: 32 };
  #closed = false;

  constructor(
    private readonly backend: ToyBackend,
    private readonly name: string,
  ) {}

  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    signal.throwIfAborted();
    if (this.#closed) throw new ToyError("closed", `toy model "${this.name}" is closed`);
    return inputs.map((row, i) => {
      if (!Array.isArray(row) || row.length !== 3 || !row.every((x) => typeof x === "number"))
        throw new ToyError("invalid", `toy model "${this.name}": input ${i} must be 3 numbers`);
      const [a, b, c] = row as [number, number, number];
      return a - 2 * b + 3 * c;
    });
  }

  errorCode(err: unknown): ErrorCode {
    return toyErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.backend instanceof type ? this.backend : undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
