/**
 * A ModelDriver for any server speaking the Open Inference Protocol v2 over
 * REST (KServe, Triton, Seldon MLServer, TorchServe, Switchyard's model server):
 * `kserve://host:port/model`.
 */
import { SwitchyardError } from "../errors.js";
import type { HttpModelTarget } from "./endpoint-url.js";
import { HttpModelDriver } from "./http-model-driver.js";
import { flattenInput, outputValue } from "./rows.js";

/** The model's input as its metadata declares it. */
interface InputSpec {
  name: string;
  datatype: string;
  /** Shape after the batch dimension; -1 where the server leaves it open. */
  rowShape: number[];
}

interface OutputTensor {
  name: string;
  shape: number[];
  data: unknown[];
}

/**
 * Scores batches with one `infer` call each: the inputs become one tensor
 * `[n, …]` named and typed after the model's metadata (read once, on first use).
 */
export class KServeDriver extends HttpModelDriver {
  private readonly base: string;
  private input: Promise<InputSpec> | undefined;

  constructor(target: HttpModelTarget) {
    super(target);
    this.base = this.modelPath("/v2/models");
  }

  /** Sends the batch as one typed tensor; resolves with one output per row the server answered. */
  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    this.checkOpen();
    if (inputs.length === 0) return [];
    const spec = await this.metadata(signal);
    const data: number[] = [];
    let rowSize = -1;
    for (let i = 0; i < inputs.length; i++) {
      const n = flattenInput(inputs[i], data, i, this.target.what);
      if (rowSize === -1) rowSize = n;
      else if (n !== rowSize) {
        throw new SwitchyardError(
          "InvalidArgument",
          `${this.target.what}: input ${i} has ${n} numbers but input 0 has ${rowSize}; every input needs the same length`,
        );
      }
    }
    const rowShape = spec.rowShape.length === 1 && spec.rowShape[0] === -1 ? [rowSize] : spec.rowShape;
    const body = {
      inputs: [{ name: spec.name, shape: [inputs.length, ...rowShape], datatype: spec.datatype, data }],
      ...(this.target.output === undefined ? {} : { outputs: [{ name: this.target.output }] }),
    };
    const answer = await this.call(`${this.base}/infer`, signal, body);
    return this.rows(answer);
  }

  /** Resolves when the model answers ready. */
  async probe(signal: AbortSignal): Promise<void> {
    this.checkOpen();
    await this.call(`${this.base}/ready`, signal);
  }

  /** Reads the input's name, datatype and shape from the model metadata; a failure is retried on the next call. */
  private metadata(signal: AbortSignal): Promise<InputSpec> {
    this.input ??= this.call(this.base, signal).then(
      (meta) => {
        const inputs = (meta as { inputs?: unknown }).inputs;
        const first = Array.isArray(inputs)
          ? (inputs[0] as Partial<Record<string, unknown>> | undefined)
          : undefined;
        if (
          inputs === undefined ||
          !Array.isArray(inputs) ||
          inputs.length !== 1 ||
          typeof first?.name !== "string"
        ) {
          throw new SwitchyardError(
            "FailedPrecondition",
            `${this.target.what}: the model must take exactly one input tensor; its metadata lists ${JSON.stringify(inputs)}`,
          );
        }
        const shape = Array.isArray(first.shape) ? (first.shape as number[]) : [-1, -1];
        return {
          name: first.name,
          datatype: typeof first.datatype === "string" ? first.datatype : "FP32",
          rowShape: shape.slice(1).map((d) => (typeof d === "number" && d > 0 ? d : -1)),
        };
      },
      (err: unknown) => {
        this.input = undefined;
        throw err;
      },
    );
    return this.input;
  }

  /** One value per row of the answer: the only (or chosen) output's row, else `{name: row}`. */
  private rows(answer: unknown): unknown[] {
    const outputs = (answer as { outputs?: unknown }).outputs;
    if (!Array.isArray(outputs) || outputs.length === 0 || !outputs.every(isTensor)) {
      throw new SwitchyardError("Internal", `${this.target.what}: the answer has no output tensors`);
    }
    const chosen =
      this.target.output === undefined ? outputs : outputs.filter((o) => o.name === this.target.output);
    if (chosen.length === 0) {
      throw new SwitchyardError(
        "Internal",
        `${this.target.what}: the answer lacks output "${this.target.output}"`,
      );
    }
    const rows = chosen[0]!.shape[0] ?? 0;
    if (chosen.some((o) => o.shape[0] !== rows)) {
      throw new SwitchyardError(
        "Internal",
        `${this.target.what}: the answer's outputs disagree on the batch size`,
      );
    }
    // Data may come flat or nested; rows are cut from the flat form.
    const flats = chosen.map((o) => {
      const flat = o.data.flat(Infinity);
      return { name: o.name, flat, size: rows === 0 ? 0 : flat.length / rows };
    });
    const rowOf = (t: (typeof flats)[number], r: number) =>
      outputValue(t.flat.slice(r * t.size, (r + 1) * t.size));
    const result = new Array<unknown>(rows);
    for (let r = 0; r < rows; r++) {
      if (flats.length === 1) result[r] = rowOf(flats[0]!, r);
      else result[r] = Object.fromEntries(flats.map((t) => [t.name, rowOf(t, r)]));
    }
    return result;
  }
}

function isTensor(value: unknown): value is OutputTensor {
  const t = value as Partial<OutputTensor> | null;
  return typeof t?.name === "string" && Array.isArray(t.shape) && Array.isArray(t.data);
}
