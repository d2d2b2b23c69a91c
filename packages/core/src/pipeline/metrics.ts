import type * as otel from "@opentelemetry/api";

/** Figures the runtime's observable gauges read when a metrics reader collects. */
export interface GaugeSources {
  /** Records behind the head of each owned partition, in flight included. */
  lagByPartition(): Readonly<Record<string, number>>;
  /** Batches handed to the steps and not yet settled. */
  inFlightBatches(): number;
  /** Records received and not yet settled. */
  inFlightRecords(): number;
}

/**
 * The runtime's OpenTelemetry instruments, named `switchyard.*`, every one
 * carrying the `switchyard.pipeline` attribute: records in and out of each
 * stage, dead letters and retries by stage (and code), model-call latency and
 * batch size, sink write latency, and gauges for lag per partition and work in
 * flight. Without a registered MeterProvider every call is a no-op.
 */
export class PipelineMetrics {
  private readonly recordsIn: otel.Counter;
  private readonly recordsOut: otel.Counter;
  private readonly deadLettered: otel.Counter;
  private readonly retries: otel.Counter;
  private readonly modelLatency: otel.Histogram;
  private readonly modelBatch: otel.Histogram;
  private readonly sinkLatency: otel.Histogram;
  private readonly gauges: otel.ObservableGauge[];
  private sources: GaugeSources | undefined;
  private readonly observe: otel.BatchObservableCallback;

  constructor(
    private readonly meter: otel.Meter,
    private readonly pipeline: string,
  ) {
    this.recordsIn = meter.createCounter("switchyard.stage.records.in", {
      description: "Records entering a stage of a pipeline",
    });
    this.recordsOut = meter.createCounter("switchyard.stage.records.out", {
      description: "Records leaving a stage of a pipeline (a filter passes fewer than it takes)",
    });
    this.deadLettered = meter.createCounter("switchyard.records.dead_lettered", {
      description: "Records sent to the dead-letter stream, by the stage they failed in",
    });
    this.retries = meter.createCounter("switchyard.retries", {
      description: "Retries of a step or a sink write, by stage and portable error code",
    });
    this.modelLatency = meter.createHistogram("switchyard.model.latency", {
      description: "Duration of one model call (a batch of predictions)",
      unit: "ms",
    });
    this.modelBatch = meter.createHistogram("switchyard.model.batch_size", {
      description: "Records in one model call",
    });
    this.sinkLatency = meter.createHistogram("switchyard.sink.write_latency", {
      description: "Duration of one sink write, retries included",
      unit: "ms",
    });
    const lag = meter.createObservableGauge("switchyard.lag", {
      description: "Records behind the head of a partition, those in flight included",
    });
    const batches = meter.createObservableGauge("switchyard.batches.in_flight", {
      description: "Batches received and not yet settled",
    });
    const records = meter.createObservableGauge("switchyard.records.in_flight", {
      description: "Records received and not yet settled",
    });
    this.gauges = [lag, batches, records];
    this.observe = (result) => {
      const sources = this.sources;
      if (sources === undefined) return;
      for (const [partition, value] of Object.entries(sources.lagByPartition()))
        result.observe(lag, value, { ...this.attributes(), "switchyard.partition": partition });
      result.observe(batches, sources.inFlightBatches(), this.attributes());
      result.observe(records, sources.inFlightRecords(), this.attributes());
    };
    meter.addBatchObservableCallback(this.observe, this.gauges);
  }

  /** Starts reporting the gauges from `sources`. */
  watch(sources: GaugeSources): void {
    this.sources = sources;
  }

  /** Stops reporting the gauges (the run ended). */
  close(): void {
    this.sources = undefined;
    this.meter.removeBatchObservableCallback(this.observe, this.gauges);
  }

  /** Counts records entering and leaving one stage. */
  stage(stage: string, entered: number, left: number): void {
    const attributes = { ...this.attributes(), "switchyard.stage": stage };
    this.recordsIn.add(entered, attributes);
    this.recordsOut.add(left, attributes);
  }

  /** Counts records dead-lettered after failing in `stage`. */
  deadLetters(stage: string, count: number): void {
    this.deadLettered.add(count, { ...this.attributes(), "switchyard.stage": stage });
  }

  /** Counts one retry of `stage` after an error with portable `code`. */
  retry(stage: string, code: string, count = 1): void {
    this.retries.add(count, {
      ...this.attributes(),
      "switchyard.stage": stage,
      "switchyard.error.code": code,
    });
  }

  /** Records one model call's duration and size. */
  modelCall(model: string, ms: number, size: number): void {
    const attributes = { ...this.attributes(), "switchyard.model": model };
    this.modelLatency.record(ms, attributes);
    this.modelBatch.record(size, attributes);
  }

  /** Records one sink write's duration. */
  sinkWrite(stage: string, ms: number): void {
    this.sinkLatency.record(ms, { ...this.attributes(), "switchyard.stage": stage });
  }

  private attributes(): Record<string, string> {
    return { "switchyard.pipeline": this.pipeline };
  }
}
