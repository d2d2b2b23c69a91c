/**
 * The server's Prometheus metrics, rendered in the text exposition format on
 * `/metrics`: requests by route and status, batch sizes and inference latency.
 */

const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** A cumulative histogram with fixed upper bounds. */
class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
  }

  render(name: string, labels: string, out: string[]): void {
    const sep = labels === "" ? "" : ",";
    for (let i = 0; i < this.bounds.length; i++) {
      out.push(`${name}_bucket{${labels}${sep}le="${this.bounds[i]}"} ${this.counts[i]}`);
    }
    out.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${this.count}`);
    out.push(`${name}_sum{${labels}} ${this.sum}`, `${name}_count{${labels}} ${this.count}`);
  }
}

/** The request counter of one route: answers by status. */
export class RouteRequests {
  /** Answers by status code, in the order statuses were first seen. */
  readonly byStatus = new Map<number, number>();

  /** Counts one answer with `status`. */
  count(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
}

/** Counters and histograms of one model server. */
export class ServerMetrics {
  private readonly requests = new Map<string, RouteRequests>();
  private readonly batchSize = new Histogram(BATCH_BUCKETS);
  private readonly latency = new Histogram(LATENCY_BUCKETS);
  private runs = 0;

  constructor(private readonly model: string) {}

  /**
   * The request counter of the route named `route` (the route's name, never the raw path, to bound
   * cardinality). Callers keep it, so counting an answer costs no label lookup.
   */
  route(route: string): RouteRequests {
    let counter = this.requests.get(route);
    if (counter === undefined) this.requests.set(route, (counter = new RouteRequests()));
    return counter;
  }

  /** Records one session run: rows in the batch and seconds it took. */
  run(rows: number, seconds: number): void {
    this.runs++;
    this.batchSize.observe(rows);
    this.latency.observe(seconds);
  }

  /** The metrics in Prometheus text format, with the in-flight request gauge. */
  render(gauges: { inflight: number }): string {
    const model = `model="${this.model}"`;
    const out: string[] = [
      "# HELP switchyard_model_requests_total HTTP requests answered, by route and status.",
      "# TYPE switchyard_model_requests_total counter",
    ];
    for (const [route, counter] of this.requests) {
      for (const [status, n] of counter.byStatus) {
        out.push(`switchyard_model_requests_total{route="${route}",status="${status}"} ${n}`);
      }
    }
    out.push(
      "# HELP switchyard_model_session_runs_total Model session runs (one per batch).",
      "# TYPE switchyard_model_session_runs_total counter",
      `switchyard_model_session_runs_total{${model}} ${this.runs}`,
      "# HELP switchyard_model_batch_size Rows per session run.",
      "# TYPE switchyard_model_batch_size histogram",
    );
    this.batchSize.render("switchyard_model_batch_size", model, out);
    out.push(
      "# HELP switchyard_model_inference_seconds Duration of one session run.",
      "# TYPE switchyard_model_inference_seconds histogram",
    );
    this.latency.render("switchyard_model_inference_seconds", model, out);
    out.push(
      "# HELP switchyard_model_inflight_requests Requests being read, queued or scored.",
      "# TYPE switchyard_model_inflight_requests gauge",
      `switchyard_model_inflight_requests ${gauges.inflight}`,
    );
    return `${out.join("\n")}\n`;
  }
}
