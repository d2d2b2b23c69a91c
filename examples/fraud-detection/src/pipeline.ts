import { avro, json, pipeline } from "@switchyard/core";
import type { Pipeline } from "@switchyard/core";
import type { FeaturedTransaction } from "./enrich.js";
import { withCardFeatures } from "./enrich.js";
import { transactionSchema } from "./schema.js";
import type { Transaction } from "./schema.js";
import type { ScoredTransaction } from "./scoring.js";
import { isAlert, ruleScore, scorePoint, scoredTransaction } from "./scoring.js";

/** Options of {@link fraudPipeline}. */
export interface FraudPipelineOptions {
  /** Consumer group of the scorers; instances with the same group share the partitions. Default `fraud-scorer`. */
  group?: string;
  /** Most records per batch. Default: the runtime's (1024). */
  batchSize?: number;
}

/**
 * The fraud-detection pipeline: Avro transactions in, per-card rolling features
 * from the `features` state store, the `fraud` model's probability, alerts as
 * JSON on `alerts` above the model's threshold, and one `fraud_scores` point per
 * transaction. While the model is unreachable a rule fallback scores instead,
 * and the records it scored carry `scoredBy: "rules"`. Records that do not
 * decode go to `dead-letters`. Every name is a resource of the active profile,
 * so the same definition runs on any backend.
 */
export function fraudPipeline(options: FraudPipelineOptions = {}): Pipeline<ScoredTransaction> {
  const definition = pipeline("fraud-detection")
    .from<Transaction>("transactions", {
      codec: avro<Transaction>(transactionSchema),
      group: options.group ?? "fraud-scorer",
      deadLetter: "dead-letters",
    })
    .enrich(withCardFeatures)
    .infer("fraud", {
      input: (f: FeaturedTransaction) => f.features,
      // The runtime marks each record whose score came from the fallback.
      output: (f, probability: number, meta): ScoredTransaction =>
        scoredTransaction(f.tx, probability, meta.fallback ? "rules" : "model"),
      // While the model is unreachable, hard rules keep the obvious fraud flagged.
      endpoint: { fallback: (inputs) => inputs.map(ruleScore) },
    })
    .to("alerts", { codec: json<ScoredTransaction>(), when: isAlert })
    .record("fraud_scores", scorePoint);
  return options.batchSize === undefined
    ? definition
    : definition.configure({ batchSize: options.batchSize });
}
