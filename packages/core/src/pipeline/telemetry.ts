import type * as otel from "@opentelemetry/api";
import type { Headers } from "../driver/index.js";
import { PipelineMetrics } from "./metrics.js";

/** A span around one batch; `traceparent` is what outgoing records carry. */
export interface BatchSpan {
  /** The W3C traceparent of this batch's span, when tracing is active. */
  readonly traceparent: string | undefined;
  /** Ends the span, marking it failed when `error` is given. */
  end(error?: unknown): void;
}

const NO_SPAN: BatchSpan = { traceparent: undefined, end: () => undefined };

/**
 * OpenTelemetry hooks of the runtime: counters, the end-to-end latency
 * histogram, a span per batch, and W3C `traceparent` propagation through record
 * headers. `@opentelemetry/api` is an optional peer dependency: without it, or
 * without a registered SDK, every hook is a no-op.
 */
export class Telemetry {
  private constructor(
    private readonly api: typeof otel | undefined,
    private readonly pipeline: string,
    private readonly processed?: otel.Counter,
    private readonly latency?: otel.Histogram,
    /** Per-stage, model, sink, retry and gauge instruments; undefined without `@opentelemetry/api`. */
    readonly metrics?: PipelineMetrics,
  ) {}

  /** Loads the OpenTelemetry API when installed. */
  static async load(pipeline: string): Promise<Telemetry> {
    let api: typeof otel | undefined;
    try {
      api = await import("@opentelemetry/api");
    } catch {
      return new Telemetry(undefined, pipeline);
    }
    const meter = api.metrics.getMeter("@switchyard/core");
    return new Telemetry(
      api,
      pipeline,
      meter.createCounter("switchyard.records.processed", { description: "Records done by a pipeline" }),
      meter.createHistogram("switchyard.e2e_latency", {
        description: "Event time to sink acknowledgement",
        unit: "ms",
      }),
      new PipelineMetrics(meter, pipeline),
    );
  }

  /** Starts the span of one batch, continuing the trace of its first record's `traceparent` if it has one. */
  startBatch(partition: string, size: number, parent: Headers | undefined): BatchSpan {
    const api = this.api;
    if (api === undefined) return NO_SPAN;
    const parentContext =
      parent?.traceparent === undefined
        ? api.context.active()
        : api.propagation.extract(api.context.active(), parent, {
            get: (carrier, key) => carrier[key],
            keys: (carrier) => Object.keys(carrier),
          });
    const span = api.trace.getTracer("@switchyard/core").startSpan(
      "switchyard.batch",
      {
        attributes: {
          "switchyard.pipeline": this.pipeline,
          "switchyard.partition": partition,
          "switchyard.batch.size": size,
        },
      },
      parentContext,
    );
    const carrier: Headers = {};
    api.propagation.inject(api.trace.setSpan(parentContext, span), carrier, {
      set: (c, key, value) => {
        c[key] = value;
      },
    });
    return {
      traceparent: carrier.traceparent,
      end: (error?: unknown) => {
        if (error !== undefined)
          span.setStatus({
            code: api.SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : JSON.stringify(error),
          });
        span.end();
      },
    };
  }

  /** Counts records acknowledged at `now` and records their end-to-end latencies. */
  recordDone(records: readonly { raw: { timestamp: number } }[], now: number): void {
    if (this.processed === undefined) return;
    const attributes = { "switchyard.pipeline": this.pipeline };
    this.processed.add(records.length, attributes);
    for (const r of records) this.latency?.record(now - r.raw.timestamp, attributes);
  }

  /** Counts dead-lettered records by the stage they failed in. */
  recordDeadLetters(records: readonly { stage: string }[]): void {
    if (this.metrics === undefined) return;
    const byStage = new Map<string, number>();
    for (const r of records) byStage.set(r.stage, (byStage.get(r.stage) ?? 0) + 1);
    for (const [stage, count] of byStage) this.metrics.deadLetters(stage, count);
  }
}
