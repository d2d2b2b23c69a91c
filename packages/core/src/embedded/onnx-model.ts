import { stat } from "node:fs/promises";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { SwitchyardError, isAbort } from "../errors.js";
import type { ErrorCode } from "../errors.js";
import type { ModelCapabilities } from "../driver/capabilities.js";
import type { ModelDriver } from "../driver/model.js";
import { fsErrorCode } from "./fs-errors.js";
import { loadOnnxRuntime } from "./onnx-runtime.js";
import type { Ort } from "./onnx-runtime.js";

type InputType = "float32" | "float64";

/** Options of {@link onnxModel}. */
export interface OnnxModelOptions {
  /** The output to return. Default: the model's first output. */
  output?: string;
  /** A session the caller built (its own execution providers, threads…), used instead of loading `path`. */
  session?: InferenceSession;
  /** Options for the session the driver creates. Default: onnxruntime's. */
  sessionOptions?: InferenceSession.SessionOptions;
}

/** What every `onnx:` model supports: batches up to 8192 rows per `session.run`. */
export const ONNX_MODEL_CAPABILITIES: ModelCapabilities = { maxBatch: 8192 };

/**
 * The model driver for `onnx:<path>`: a tabular model run in process by
 * onnxruntime-node. Each `predict` packs the batch into one `[n, features]`
 * tensor and makes one `session.run`; each input gets a number when the model
 * returns one value per row, else an array of the row's values.
 */
export class OnnxModel implements ModelDriver {
  readonly capabilities = ONNX_MODEL_CAPABILITIES;
  /** The model file (absolute), for messages. */
  readonly path: string;
  private readonly ort: Ort;
  private readonly session: InferenceSession;
  private readonly input: string;
  private readonly inputType: InputType;
  private readonly output: string;
  /** Features per row when the model fixes them; otherwise taken from the first row of each batch. */
  private readonly features: number | undefined;
  private released: Promise<void> | undefined;

  constructor(ort: Ort, session: InferenceSession, path: string, output: string | undefined) {
    this.ort = ort;
    this.session = session;
    this.path = path;
    const [input, ...more] = session.inputMetadata;
    if (input === undefined || more.length > 0 || !input.isTensor) {
      throw this.invalid(
        `has inputs [${session.inputNames.join(", ")}]; onnx: feeds models with one tensor input`,
      );
    }
    if (input.type !== "float32" && input.type !== "float64") {
      throw this.invalid(
        `takes ${input.type} input "${input.name}"; onnx: feeds float32 or float64 features`,
      );
    }
    if (input.shape.length !== 0 && input.shape.length !== 2) {
      throw this.invalid(`takes input of shape [${input.shape.join(", ")}]; onnx: feeds [batch, features]`);
    }
    this.input = input.name;
    this.inputType = input.type;
    const width = input.shape[1];
    this.features = typeof width === "number" && width > 0 ? width : undefined;
    this.output = output ?? session.outputNames[0] ?? "";
    const meta = session.outputMetadata.find((m) => m.name === this.output);
    if (meta === undefined || !meta.isTensor) {
      throw this.invalid(
        `has no tensor output "${this.output}"; outputs are [${session.outputNames.join(", ")}] ` +
          "(choose one with ?output=<name>)",
      );
    }
  }

  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    signal.throwIfAborted();
    this.assertOpen();
    const rows = inputs.length;
    if (rows === 0) return [];
    if (rows > this.capabilities.maxBatch) {
      throw this.invalid(`got ${rows} inputs in one call; maxBatch is ${this.capabilities.maxBatch}`);
    }
    const width = this.features ?? rowLength(inputs[0]);
    const data =
      this.inputType === "float32" ? new Float32Array(rows * width) : new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      const row = inputs[i];
      const length = rowLength(row);
      if (length !== width) {
        throw this.invalid(
          length < 0
            ? `input ${i} is not a number[] or Float32Array`
            : `input ${i} has ${length} features; the model takes ${width}`,
        );
      }
      data.set(row as ArrayLike<number>, i * width);
    }
    const feeds = { [this.input]: new this.ort.Tensor(this.inputType, data, [rows, width]) };
    const result = await this.session.run(feeds, [this.output]);
    return this.unpack(result[this.output]!, rows);
  }

  errorCode(err: unknown): ErrorCode {
    if (err instanceof SwitchyardError) return err.code;
    if (isAbort(err)) return "Canceled";
    return "Internal";
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.session instanceof type ? this.session : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.assertOpen();
  }

  /** Releases the session. Idempotent. */
  close(): Promise<void> {
    this.released ??= this.session.release();
    return this.released;
  }

  /** A call after close is the caller's mistake, not an outage: FailedPrecondition, never retried. */
  private assertOpen(): void {
    if (this.released !== undefined)
      throw new SwitchyardError("FailedPrecondition", `ONNX model ${this.path} is closed`);
  }

  private unpack(tensor: Tensor, rows: number): unknown[] {
    const values = tensor.data as ArrayLike<number | bigint | string | boolean>;
    const perRow = values.length / rows;
    if (!Number.isInteger(perRow) || perRow < 1) {
      throw new SwitchyardError(
        "Internal",
        `ONNX model ${this.path}: output "${this.output}" has ${values.length} values for ${rows} inputs`,
      );
    }
    const at = (i: number) => {
      const v = values[i]!;
      return typeof v === "bigint" ? Number(v) : v;
    };
    const out = new Array<unknown>(rows);
    for (let r = 0; r < rows; r++) {
      if (perRow === 1) {
        out[r] = at(r);
      } else {
        const row = new Array<unknown>(perRow);
        for (let j = 0; j < perRow; j++) row[j] = at(r * perRow + j);
        out[r] = row;
      }
    }
    return out;
  }

  private invalid(problem: string): SwitchyardError {
    return new SwitchyardError("InvalidArgument", `ONNX model ${this.path} ${problem}`);
  }
}

/** The length of a feature row, or -1 when `row` is not an array of numbers. */
function rowLength(row: unknown): number {
  if (Array.isArray(row) || row instanceof Float32Array || row instanceof Float64Array) return row.length;
  return -1;
}

/**
 * Loads the ONNX model at an absolute `path` (or wraps `options.session`).
 * A missing file is NotFound and a file onnxruntime cannot load is
 * InvalidArgument, both naming the path, at creation time.
 */
export async function onnxModel(path: string, options: OnnxModelOptions = {}): Promise<OnnxModel> {
  // Loaded on first use, so importing @switchyard/core does not load the native runtime,
  // and a project without onnx: models need not install it.
  const ort = await loadOnnxRuntime();
  if (options.session !== undefined) return new OnnxModel(ort, options.session, path, options.output);
  try {
    const file = await stat(path);
    if (!file.isFile()) throw new SwitchyardError("InvalidArgument", `ONNX model ${path} is not a file`);
  } catch (err) {
    if (err instanceof SwitchyardError) throw err;
    throw new SwitchyardError(fsErrorCode(err), `cannot read ONNX model file ${path}: ${String(err)}`, {
      cause: err,
    });
  }
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, options.sessionOptions ?? {});
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SwitchyardError("InvalidArgument", `cannot load ONNX model ${path}: ${detail}`, { cause: err });
  }
  try {
    return new OnnxModel(ort, session, path, options.output);
  } catch (err) {
    await session.release();
    throw err;
  }
}
