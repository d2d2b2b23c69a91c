/**
 * A ModelDriver for TensorFlow Serving's REST API (and servers that copy it):
 * `tfserving://host:port/model`, one `:predict` call in the row format per batch.
 */
import { SwitchyardError } from "../errors.js";
import type { HttpModelTarget } from "./endpoint-url.js";
import { HttpModelDriver } from "./http-model-driver.js";
import { inputRows, outputValue } from "./rows.js";

/** Scores batches with `POST /v1/models/{model}[/versions/{v}]:predict` and `{"instances": rows}`. */
export class TfServingDriver extends HttpModelDriver {
  private readonly base: string;

  constructor(target: HttpModelTarget) {
    super(target);
    this.base = this.modelPath("/v1/models");
  }

  /** Sends the batch as `instances`; resolves with one output per prediction the server answered. */
  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    this.checkOpen();
    if (inputs.length === 0) return [];
    const answer = await this.call(`${this.base}:predict`, signal, {
      instances: inputRows(inputs, this.target.what),
    });
    const predictions = (answer as { predictions?: unknown }).predictions;
    if (!Array.isArray(predictions)) {
      throw new SwitchyardError("Internal", `${this.target.what}: the answer has no "predictions" array`);
    }
    return predictions.map((p) => predictionValue(p, this.target));
  }

  /** Resolves when the model reports a version AVAILABLE. */
  async probe(signal: AbortSignal): Promise<void> {
    this.checkOpen();
    const status = await this.call(this.base, signal);
    const versions = (status as { model_version_status?: { state?: unknown }[] }).model_version_status;
    if (!Array.isArray(versions) || !versions.some((v) => v.state === "AVAILABLE")) {
      throw new SwitchyardError("Unavailable", `${this.target.what}: no version is AVAILABLE`);
    }
  }
}

/** A prediction for the caller: the chosen output of a multi-output row, one-number rows as the number. */
export function predictionValue(prediction: unknown, target: HttpModelTarget): unknown {
  if (typeof prediction !== "object" || prediction === null || Array.isArray(prediction)) {
    return outputValue(prediction);
  }
  const named = prediction as Record<string, unknown>;
  if (target.output !== undefined) {
    if (!(target.output in named)) {
      throw new SwitchyardError("Internal", `${target.what}: the answer lacks output "${target.output}"`);
    }
    return outputValue(named[target.output]);
  }
  return Object.fromEntries(Object.entries(named).map(([k, v]) => [k, outputValue(v)]));
}
