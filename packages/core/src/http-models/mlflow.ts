/**
 * A ModelDriver for MLflow's scoring server (`mlflow models serve`, and the MLflow
 * contract of Switchyard's model server): `mlflow://host:port`, one
 * `POST /invocations` with `dataframe_split` rows per batch.
 */
import { SwitchyardError } from "../errors.js";
import { deadlineSignal } from "../resources/signals.js";
import type { HttpModelTarget } from "./endpoint-url.js";
import { HttpModelDriver } from "./http-model-driver.js";
import { inputRows } from "./rows.js";
import { predictionValue } from "./tf-serving.js";

/** The query parameters of `mlflow://`: no version (the server serves one model). */
export const MLFLOW_PARAMS = ["https", "timeoutMs", "output", "maxBatch", "host", "token"] as const;

/** Scores batches with `POST /invocations` and `{"dataframe_split": {"data": rows}}`. */
export class MlflowDriver extends HttpModelDriver {
  constructor(target: HttpModelTarget) {
    super(target);
  }

  /** Sends the batch as a split-orientation dataframe; resolves with one output per prediction. */
  async predict(inputs: unknown[], signal: AbortSignal): Promise<unknown[]> {
    this.checkOpen();
    if (inputs.length === 0) return [];
    const data = inputRows(inputs, this.target.what);
    // A dataframe has one column count: the server would pad a short row with NaN and score it.
    const bad = data.findIndex((r) => r.length !== data[0]!.length);
    if (bad > 0) {
      throw new SwitchyardError(
        "InvalidArgument",
        `${this.target.what}: input ${bad} has ${data[bad]!.length} numbers but input 0 has ${data[0]!.length}; every input needs the same length`,
      );
    }
    const answer = await this.call(`${this.target.origin}/invocations`, signal, {
      dataframe_split: { data },
    });
    const predictions = (answer as { predictions?: unknown }).predictions;
    if (!Array.isArray(predictions)) {
      throw new SwitchyardError("Internal", `${this.target.what}: the answer has no "predictions" array`);
    }
    return predictions.map((p) => predictionValue(p, this.target));
  }

  /** Resolves when the server answers `GET /ping` with 200. */
  async probe(signal: AbortSignal): Promise<void> {
    this.checkOpen();
    const { fetch, timeoutMs, headers } = this.target;
    const deadline = deadlineSignal(signal, timeoutMs);
    let res: Response;
    try {
      res = await fetch(`${this.target.origin}/ping`, { signal: deadline.signal, headers });
      await res.arrayBuffer();
    } finally {
      deadline.dispose();
    }
    if (!res.ok) {
      throw new SwitchyardError("Unavailable", `${this.target.what}: /ping answered ${res.status}`);
    }
  }
}
