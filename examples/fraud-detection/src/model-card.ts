import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What `scripts/train.py` wrote beside the model: its features, alert threshold and held-out quality. */
export interface ModelCard {
  /** Feature names in input order. */
  features: string[];
  /** Scores above this raise an alert (best F1 on the training seed). */
  threshold: number;
  /** Quality on a held-out seed. */
  heldOut: {
    rows: number;
    frauds: number;
    precision: number;
    recall: number;
    recallByPattern: Record<string, number>;
  };
  /** Rows the model was trained on. */
  trainingRows: number;
}

/** Absolute path of the committed ONNX model. */
export const MODEL_PATH = fileURLToPath(new URL("../model/fraud.onnx", import.meta.url));

/** The committed model's card. */
export const MODEL_CARD = JSON.parse(
  readFileSync(new URL("../model/fraud.meta.json", import.meta.url), "utf8"),
) as ModelCard;
