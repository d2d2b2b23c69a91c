/**
 * The hand-written batched fraud loop: the same work as the fraud pipeline with
 * no runtime around it (BASELINES.md, "a hand-written batched fraud loop").
 * Per batch of pre-encoded records: decode each with the same Avro codec (bad
 * bytes set aside as dead letters), update the same per-card rolling state
 * (same keys and counters, in plain Maps) and fill one Float32Array of
 * features, score it with one `session.run`, JSON-encode the alerts with the
 * same codec, and build one time-series point per record.
 */
import type { Point } from "@switchyard/core/driver";
import { avro, json } from "@switchyard/core";
import ort from "onnxruntime-node";
import { CardStateMap } from "../examples/fraud-detection/src/card-state.js";
import { FEATURE_COUNT, writeFeatures } from "../examples/fraud-detection/src/features.js";
import { MODEL_PATH } from "../examples/fraud-detection/src/model-card.js";
import type { Transaction } from "../examples/fraud-detection/src/schema.js";
import { transactionSchema } from "../examples/fraud-detection/src/schema.js";
import type { ScoredTransaction } from "../examples/fraud-detection/src/scoring.js";
import { isAlert, scorePoint } from "../examples/fraud-detection/src/scoring.js";

/** What one pass of the loop produced. */
export interface FraudLoopResult {
  /** Records consumed (transactions and undecodable ones). */
  events: number;
  /** Alerts encoded. */
  alerts: number;
  /** Records that did not decode. */
  deadLetters: number;
  /** Time-series points built. */
  points: number;
  /** Wall time of the pass, ms. */
  elapsedMs: number;
}

/** Loads the fraud model into an ONNX Runtime session, as the `onnx:` model adapter does. */
export function openFraudModel(): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(MODEL_PATH, { intraOpNumThreads: 1 });
}

/** Runs the loop once over `payloads` in batches of `batchSize` (default 1024). */
export async function runFraudLoop(
  payloads: readonly Uint8Array[],
  session: ort.InferenceSession,
  batchSize = 1024,
): Promise<FraudLoopResult> {
  const started = performance.now();
  const codec = avro<Transaction>(transactionSchema);
  const alertCodec = json();
  const state = new CardStateMap();
  const features = new Float32Array(batchSize * FEATURE_COUNT);
  const input = session.inputNames[0]!;
  const output = session.outputNames[0]!;
  let alerts = 0;
  let deadLetters = 0;
  let points = 0;
  for (let start = 0; start < payloads.length; start += batchSize) {
    const end = Math.min(start + batchSize, payloads.length);
    const txs: Transaction[] = [];
    const dead: Uint8Array[] = [];
    for (let i = start; i < end; i++) {
      try {
        txs.push(codec.decode(payloads[i]!));
      } catch {
        dead.push(payloads[i]!);
      }
    }
    for (let j = 0; j < txs.length; j++) {
      const tx = txs[j]!;
      const { profile, window } = state.observe(tx);
      writeFeatures(tx, profile, window, features, j * FEATURE_COUNT);
    }
    const tensor = new ort.Tensor("float32", features.subarray(0, txs.length * FEATURE_COUNT), [
      txs.length,
      FEATURE_COUNT,
    ]);
    const result = await session.run({ [input]: tensor });
    const scores = result[output]!.data as Float32Array;
    const alertBytes: Uint8Array[] = [];
    const batchPoints: Point[] = [];
    for (let j = 0; j < txs.length; j++) {
      const scored: ScoredTransaction = { ...txs[j]!, score: scores[j]! };
      if (isAlert(scored)) alertBytes.push(alertCodec.encode(scored));
      const p = scorePoint(scored);
      batchPoints.push({
        measurement: "fraud_scores",
        tags: p.tags ?? {},
        fields: p.fields,
        time: p.time ?? scored.ts,
      });
    }
    alerts += alertBytes.length;
    deadLetters += dead.length;
    points += batchPoints.length;
  }
  return { events: payloads.length, alerts, deadLetters, points, elapsedMs: performance.now() - started };
}
