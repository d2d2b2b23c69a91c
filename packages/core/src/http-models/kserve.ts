/**
 * A ModelDriver for any server speaking the Open Inference Protocol v2 over
 * REST (KServe, Triton, Seldon MLServer, TorchServe, Switchyard's model server):
 * `kserve://host:port/model`.
 */
import { SwitchyardError } from "../errors.js";
import type { HttpModelTarget } from "./endpoint-url.js";
import { HttpModelDriver } from "./http-model-driver.js";
import { advertisesBinary, inputSpec, type InputSpec } from "./kserve-metadata.js";
import { flattenInput, outputValue } from "./rows.js";
import { encodeTensor, hasBinaryForm, HEADER_LENGTH, readAnswer } from "./v2-binary.js";

/**
 * Scores batches with one `infer` call each: the inputs become one tensor
 * `[n, …]` named and typed after the model's metadata (read once, on first use).
 */
export class KServeDriver extends HttpModelDriver {
  private readonly base: string;
  private input: Promise<{ spec: InputSpec; binary: boolean }> | undefined;

  constructor(target: HttpModelTarget) {
    super(target);
    this.base = this.modelPath("/v2/models");
  }

  /** Sends the batch as one typed tensor; resolves with one output per row the server answered. */
  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    this.checkOpen();
    if (inputs.length === 0) return [];
    const { spec, binary } = await this.metadata(signal);
    const data: number[] = [];
    const rowSize = flattenBatch(inputs, data, this.target.what);
    const rowShape = spec.rowShape.length === 1 && spec.rowShape[0] === -1 ? [rowSize] : spec.rowShape;
    const tensor = { name: spec.name, shape: [inputs.length, ...rowShape], datatype: spec.datatype };
    const { output } = this.target;
    if (!binary || !hasBinaryForm(spec.datatype)) {
      const body = {
        inputs: [{ ...tensor, data }],
        ...(output === undefined ? {} : { outputs: [{ name: output }] }),
      };
      return outputRows(await this.call(`${this.base}/infer`, signal, body), this.target);
    }
    const bytes = encodeTensor(spec.datatype, data);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ ...tensor, parameters: { binary_data_size: bytes.length } }],
        ...(output === undefined
          ? { parameters: { binary_data_output: true } }
          : { outputs: [{ name: output, parameters: { binary_data: true } }] }),
      }),
    );
    const answer = await this.callRaw(`${this.base}/infer`, signal, Buffer.concat([header, bytes]), {
      "content-type": "application/octet-stream",
      [HEADER_LENGTH]: String(header.length),
    });
    return outputRows(readAnswer(answer.headers, answer.bytes, this.target.what), this.target);
  }

  /** Resolves when the model answers ready. */
  async probe(signal: AbortSignal): Promise<void> {
    this.checkOpen();
    await this.call(`${this.base}/ready`, signal);
  }

  /**
   * Reads the input to send from the model metadata and the URL, and whether the server takes
   * binary tensors, once; a failure is retried on the next call.
   */
  private metadata(signal: AbortSignal): Promise<{ spec: InputSpec; binary: boolean }> {
    const serverMeta = (): Promise<boolean> =>
      this.target.binary !== undefined
        ? Promise.resolve(this.target.binary)
        : // A server without the metadata route simply gets JSON.
          this.call(`${this.target.origin}/v2`, signal).then(advertisesBinary, () => false);
    this.input ??= Promise.all([this.call(this.base, signal), serverMeta()]).then(
      ([meta, binary]) => ({ spec: inputSpec(meta, this.target), binary }),
      (err: unknown) => {
        this.input = undefined;
        throw err;
      },
    );
    return this.input;
  }
}

/** Flattens every input of a batch into `data`; all inputs must hold as many numbers. Returns that count. */
export function flattenBatch(inputs: readonly unknown[], data: number[], what: string): number {
  let rowSize = -1;
  for (let i = 0; i < inputs.length; i++) {
    const n = flattenInput(inputs[i], data, i, what);
    if (rowSize === -1) rowSize = n;
    else if (n !== rowSize) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${what}: input ${i} has ${n} numbers but input 0 has ${rowSize}; every input needs the same length`,
      );
    }
  }
  return rowSize;
}

/** One value per row of an answer's outputs: the only (or chosen) output's row, else `{name: row}`. */
export function outputRows(answer: unknown, target: HttpModelTarget): unknown[] {
  const outputs = (answer as { outputs?: unknown }).outputs;
  if (!Array.isArray(outputs) || outputs.length === 0 || !outputs.every(isTensor)) {
    throw new SwitchyardError("Internal", `${target.what}: the answer has no output tensors`);
  }
  const chosen = target.output === undefined ? outputs : outputs.filter((o) => o.name === target.output);
  if (chosen.length === 0) {
    throw new SwitchyardError("Internal", `${target.what}: the answer lacks output "${target.output}"`);
  }
  const rows = chosen[0]!.shape[0] ?? 0;
  if (chosen.some((o) => o.shape[0] !== rows)) {
    throw new SwitchyardError("Internal", `${target.what}: the answer's outputs disagree on the batch size`);
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

interface OutputTensor {
  name: string;
  shape: number[];
  data: unknown[];
}

function isTensor(value: unknown): value is OutputTensor {
  const t = value as Partial<OutputTensor> | null;
  return typeof t?.name === "string" && Array.isArray(t.shape) && Array.isArray(t.data);
}
