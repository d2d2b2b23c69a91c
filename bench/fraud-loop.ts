/**
 * The hand-written batched fraud loop: the same work as the fraud pipeline with
 * no runtime around it (BASELINES.md, "a hand-written batched fraud loop").
 * Per batch of pre-encoded records: decode each with the same Avro codec (bad
 * bytes set aside as dead letters), compute the same per-card features with the
 * same state updates, score the batch with one `session.run`, JSON-encode the
 * alerts with the same codec and send them (and the dead letters) to
 * `memory://` streams, and write one time-series point per record to a
 * `memory://` series — the writes the pipeline makes. It reads the payloads
 * from an array, where the pipeline reads them from a `memory://` stream.
 *
 * State goes either through the embedded `memory://` state driver, called
 * directly with the same keys and binary card states (`cardStateCodec`) as the pipeline
 * (`driver`, the benchmark's baseline), or through plain Maps (`map`, the
 * ceiling without any state store).
 */
import { ResourceResolver, SchemeRegistry, avro, embedded, json } from "@switchyard/core";
import type { OutgoingRecord, Point, StateStoreDriver } from "@switchyard/core/driver";
import ort from "onnxruntime-node";
import { CardStateMap } from "../examples/fraud-detection/src/card-state.js";
import type { CardStateAccess, FeaturedTransaction } from "../examples/fraud-detection/src/enrich.js";
import { cardFeatures } from "../examples/fraud-detection/src/enrich.js";
import { cardStateCodec } from "../examples/fraud-detection/src/card-state-codec.js";
import { FEATURE_COUNT, writeFeatures } from "../examples/fraud-detection/src/features.js";
import { MODEL_PATH } from "../examples/fraud-detection/src/model-card.js";
import type { Transaction } from "../examples/fraud-detection/src/schema.js";
import { transactionSchema } from "../examples/fraud-detection/src/schema.js";
import type { ScoredTransaction } from "../examples/fraud-detection/src/scoring.js";
import { isAlert, scorePoint, scoredTransaction } from "../examples/fraud-detection/src/scoring.js";

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

/** Options of {@link runFraudLoop}. */
export interface FraudLoopOptions {
  /** Where card state lives: the embedded state driver (`driver`) or plain Maps (`map`). Default `driver`. */
  state?: "driver" | "map";
  /** Records per batch. Default 1024, the runtime's default. */
  batchSize?: number;
}

/** Loads the fraud model into an ONNX Runtime session, as the `onnx:` model adapter does. */
export function openFraudModel(): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(MODEL_PATH);
}

let passes = 0;

/** Runs the loop once over `payloads`. */
export async function runFraudLoop(
  payloads: readonly Uint8Array[],
  session: ort.InferenceSession,
  options: FraudLoopOptions = {},
): Promise<FraudLoopResult> {
  const batchSize = options.batchSize ?? 1024;
  const pass = ++passes;
  const resolver = new ResourceResolver(
    {
      profiles: {
        loop: {
          streams: {
            alerts: `memory://fraud-loop-alerts-${pass}`,
            "dead-letters": `memory://fraud-loop-dead-letters-${pass}`,
          },
          state: { features: `memory://fraud-loop-${pass}` },
          timeseries: { fraud_scores: `memory://fraud-loop-scores-${pass}` },
        },
      },
    },
    "loop",
    { registry: new SchemeRegistry([], { builtIns: [embedded()] }) },
  );
  const features =
    options.state === "map" ? mapFeatures() : driverFeatures(await resolver.open("state", "features"));
  const alertSink = await resolver.open("stream", "alerts");
  const deadLetterSink = await resolver.open("stream", "dead-letters");
  const scoreSink = await resolver.open("timeseries", "fraud_scores");
  const signal = new AbortController().signal;
  const started = performance.now();
  const codec = avro<Transaction>(transactionSchema);
  const alertCodec = json<ScoredTransaction>();
  const matrix = new Float32Array(batchSize * FEATURE_COUNT);
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
    const featured = await features(txs);
    for (let j = 0; j < featured.length; j++) matrix.set(featured[j]!.features, j * FEATURE_COUNT);
    const rows = txs.length;
    const tensor = new ort.Tensor("float32", matrix.subarray(0, rows * FEATURE_COUNT), [rows, FEATURE_COUNT]);
    const scores = (await session.run({ [input]: tensor }))[output]!.data as Float32Array;
    const alertRecords: OutgoingRecord[] = [];
    const batchPoints: Point[] = [];
    const now = Date.now();
    for (let j = 0; j < rows; j++) {
      const scored = scoredTransaction(txs[j]!, scores[j]!, "model");
      if (isAlert(scored)) {
        const value = alertCodec.encode(scored);
        alertRecords.push({ key: String(scored.card), value, headers: {}, timestamp: now });
      }
      const p = scorePoint(scored);
      batchPoints.push({
        measurement: "fraud_scores",
        tags: p.tags ?? {},
        fields: p.fields,
        time: p.time ?? scored.ts,
      });
    }
    const deadRecords = dead.map((value): OutgoingRecord => ({
      key: undefined,
      value,
      headers: { "x-error-stage": "decode" },
      timestamp: now,
    }));
    await Promise.all([
      alertSink.send(alertRecords, signal),
      deadLetterSink.send(deadRecords, signal),
      scoreSink.write(batchPoints, signal),
    ]);
    alerts += alertRecords.length;
    deadLetters += dead.length;
    points += batchPoints.length;
  }
  const elapsedMs = performance.now() - started;
  await resolver.close();
  return { events: payloads.length, alerts, deadLetters, points, elapsedMs };
}

type FeatureStep = (batch: Transaction[]) => Promise<FeaturedTransaction[]>;

/** Features through the state driver itself: the pipeline's calls, minus the StateStore around them. */
function driverFeatures(driver: StateStoreDriver): FeatureStep {
  const signal = new AbortController().signal;
  const state: CardStateAccess = {
    async getMany(keys) {
      const entries = await driver.get([...keys], signal);
      return entries.map((e) => (e === undefined ? undefined : cardStateCodec.decode(e.value)));
    },
    putMany: (entries) =>
      driver.put(
        entries.map((e) => ({ key: e.key, value: cardStateCodec.encode(e.value), ttlMs: e.ttlMs })),
        signal,
      ),
  };
  return (batch) => cardFeatures(batch, state);
}

/** Features from plain Maps: no store at all. */
function mapFeatures(): FeatureStep {
  const cards = new CardStateMap();
  return async (batch) => {
    const matrix = new Float32Array(batch.length * FEATURE_COUNT);
    return batch.map((tx, i) => {
      const { profile, window } = cards.observe(tx);
      writeFeatures(tx, profile, window, matrix, i * FEATURE_COUNT);
      return { tx, features: matrix.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT) };
    });
  };
}
