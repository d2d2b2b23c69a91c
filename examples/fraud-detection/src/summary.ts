import { PUBLISH_BATCH } from "./produce.js";

/** The demo's result; printed as the last line with `--json` (DESIGN.md §10). */
export interface DemoSummary {
  /** Events produced and processed (transactions and corrupt records). */
  events: number;
  /** Events processed per second, from the first event produced to the last one done. */
  eventsPerSec: number;
  /**
   * Median end-to-end latency, ms: from the moment the generator publishes a
   * record (its batch of up to {@link PUBLISH_BATCH} is stamped just before the publish call)
   * until every sink acknowledged it. It includes the publish round trip, the
   * broker, the pipeline's batching, the state-store round trips, the model and
   * the writes to `alerts` and `fraud_scores`; not the time a record waits for
   * its batch to be published (the rate sets that).
   */
  p50Ms: number;
  /** 99th percentile end-to-end latency, ms, measured as {@link DemoSummary.p50Ms}. */
  p99Ms: number;
  /** Alerts raised. */
  alerts: number;
  /** Share of alerts that are planted fraud. */
  precision: number;
  /** Share of planted fraud that raised an alert. */
  recall: number;
  /** Records sent to the dead-letter stream. */
  deadLetters: number;
  /** The profile the demo ran on. */
  profile: string;
}

/**
 * The summary as a short human report, with the ground truth it is judged
 * against; `rulesAlerts` (default 0) is how many alerts the rule fallback
 * raised while the model was unreachable, shown only when there were any.
 */
export function formatSummary(
  s: DemoSummary,
  truth: { frauds: number; corrupt: number },
  alertLatency: { p50Ms: number; p99Ms: number },
  rulesAlerts = 0,
): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-US");
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return [
    `fraud-detection on "${s.profile}"`,
    `  events        ${n(s.events)} at ${n(s.eventsPerSec)}/s`,
    `  latency       p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms (published → every sink acknowledged)`,
    `                includes the publish call of the generator's ${PUBLISH_BATCH}-record batches, the broker,`,
    `                the pipeline's batches, state-store round trips, the model and the sink writes`,
    `  to alert      p50 ${alertLatency.p50Ms.toFixed(1)} ms, p99 ${alertLatency.p99Ms.toFixed(1)} ms (published → alert read by another consumer)`,
    `  alerts        ${n(s.alerts)} for ${n(truth.frauds)} planted frauds: precision ${pct(s.precision)}, recall ${pct(s.recall)}`,
    ...(rulesAlerts > 0
      ? [`  fallback      ${n(rulesAlerts)} alerts scored by the rules while the model was unreachable`]
      : []),
    `  dead letters  ${n(s.deadLetters)} (${n(truth.corrupt)} corrupt records produced)`,
  ].join("\n");
}

/** The summary as its one JSON line, with figures rounded for reading. */
export function summaryJson(s: DemoSummary): string {
  const r = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;
  return JSON.stringify({
    events: s.events,
    eventsPerSec: Math.round(s.eventsPerSec),
    p50Ms: r(s.p50Ms, 2),
    p99Ms: r(s.p99Ms, 2),
    alerts: s.alerts,
    precision: r(s.precision, 4),
    recall: r(s.recall, 4),
    deadLetters: s.deadLetters,
    profile: s.profile,
  });
}
