import type { MetricReader } from "@opentelemetry/sdk-metrics";
import type { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { SwitchyardError } from "@switchyard/core";
import { UsageError } from "./command.js";

/** What `switchyard run` was asked to export. */
export interface ObservabilityOptions {
  /** Serve Prometheus metrics on this port (`/metrics`). */
  metricsPort?: number | undefined;
  /** Interface the metrics endpoint binds. Default 127.0.0.1. */
  metricsHost?: string | undefined;
  /** Export traces and metrics over OTLP/HTTP (the endpoint from `OTEL_EXPORTER_OTLP_*`). */
  otlp: boolean;
  /** `service.name` of the exported telemetry (`OTEL_SERVICE_NAME` wins). */
  serviceName: string;
  /** The environment (`OTEL_*` variables). */
  env: Record<string, string | undefined>;
}

/** Running exporters: where metrics are served, and how to flush and stop them. */
export interface Observability {
  /** The Prometheus endpoint's URL, when serving one. */
  metricsUrl: string | undefined;
  /** Flushes what is pending and stops the exporters. */
  shutdown(): Promise<void>;
}

/** The packages the exporters come from: optional dependencies of the CLI, never of @switchyard/core. */
const PACKAGES =
  "@opentelemetry/api @opentelemetry/core @opentelemetry/resources @opentelemetry/sdk-metrics @opentelemetry/sdk-trace-base @opentelemetry/exporter-prometheus @opentelemetry/exporter-metrics-otlp-http @opentelemetry/exporter-trace-otlp-http";

/** Whether `OTEL_EXPORTER_OTLP_*` names an endpoint, which turns OTLP export on as `--otlp` does. */
export function otlpFromEnv(env: Record<string, string | undefined>): boolean {
  return ["", "_TRACES", "_METRICS"].some((kind) => (env[`OTEL_EXPORTER_OTLP${kind}_ENDPOINT`] ?? "") !== "");
}

/** Parses `--metrics-port`: `9464` or `0.0.0.0:9464`. */
export function metricsAddress(text: string | undefined): { host: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(?:(.+):)?(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(
      `--metrics-port must be a port or host:port (e.g. 9464 or 0.0.0.0:9464), got "${text}"`,
    );
  return { host: match[1] ?? "127.0.0.1", port };
}

async function load<T>(name: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (err) {
    throw new SwitchyardError(
      "FailedPrecondition",
      `metrics and traces need ${name}, an optional dependency of @switchyard/cli that is not installed — npm install ${PACKAGES}`,
      { cause: err },
    );
  }
}

/**
 * Registers OpenTelemetry's SDK as the global meter and tracer providers, so
 * the runtime's instruments (`switchyard.*`) and batch spans are exported:
 * through a Prometheus endpoint, over OTLP/HTTP, or both. Nothing is loaded
 * when neither is asked for.
 */
export async function startObservability(options: ObservabilityOptions): Promise<Observability | undefined> {
  if (options.metricsPort === undefined && !options.otlp) return undefined;
  const api = await load("@opentelemetry/api", () => import("@opentelemetry/api"));
  const sdk = await load("@opentelemetry/sdk-metrics", () => import("@opentelemetry/sdk-metrics"));
  const { resourceFromAttributes } = await load(
    "@opentelemetry/resources",
    () => import("@opentelemetry/resources"),
  );
  const resource = resourceFromAttributes({
    "service.name": options.env.OTEL_SERVICE_NAME ?? options.serviceName,
  });

  const readers: MetricReader[] = [];
  let metricsUrl: string | undefined;
  let stopServer: (() => Promise<void>) | undefined;
  if (options.metricsPort !== undefined) {
    const { PrometheusExporter } = await load(
      "@opentelemetry/exporter-prometheus",
      () => import("@opentelemetry/exporter-prometheus"),
    );
    const host = options.metricsHost ?? "127.0.0.1";
    const exporter = new PrometheusExporter({ host, port: options.metricsPort, preventServerStart: true });
    try {
      await exporter.startServer();
    } catch (err) {
      throw new SwitchyardError(
        "Unavailable",
        `cannot serve metrics on ${host}:${options.metricsPort}: ${err instanceof Error ? err.message : String(err)} — pick another --metrics-port`,
        { cause: err },
      );
    }
    readers.push(exporter);
    metricsUrl = `http://${host.includes(":") ? `[${host}]` : host}:${options.metricsPort}/metrics`;
    stopServer = () => exporter.stopServer();
  }
  let tracer: BasicTracerProvider | undefined;
  if (options.otlp) {
    const { OTLPMetricExporter } = await load(
      "@opentelemetry/exporter-metrics-otlp-http",
      () => import("@opentelemetry/exporter-metrics-otlp-http"),
    );
    const { OTLPTraceExporter } = await load(
      "@opentelemetry/exporter-trace-otlp-http",
      () => import("@opentelemetry/exporter-trace-otlp-http"),
    );
    const traces = await load("@opentelemetry/sdk-trace-base", () => import("@opentelemetry/sdk-trace-base"));
    const { W3CTraceContextPropagator } = await load(
      "@opentelemetry/core",
      () => import("@opentelemetry/core"),
    );
    const interval = Number(options.env.OTEL_METRIC_EXPORT_INTERVAL ?? 10_000);
    readers.push(
      new sdk.PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: Number.isFinite(interval) && interval > 0 ? interval : 10_000,
      }),
    );
    tracer = new traces.BasicTracerProvider({
      resource,
      spanProcessors: [new traces.BatchSpanProcessor(new OTLPTraceExporter())],
    });
    api.trace.setGlobalTracerProvider(tracer);
    api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }
  const meters = new sdk.MeterProvider({ resource, readers });
  api.metrics.setGlobalMeterProvider(meters);
  return {
    metricsUrl,
    shutdown: async () => {
      // Shutting down flushes: the last figures and spans of the run are exported before exit.
      await Promise.allSettled([meters.shutdown(), tracer?.shutdown(), stopServer?.()]);
    },
  };
}
