/**
 * Dynamic batching: requests that arrive close together are scored in one
 * session run, so concurrent clients share the cost of each run.
 */
import ort from "onnxruntime-node";
import { HttpError } from "./http.js";
import type { ServedModel } from "./model.js";
import { allocate, type InputArray, type InputBatch, type RequestOutputs } from "./tensor.js";

/** Options for the `Batcher`. */
export interface BatcherOptions {
  /** Most rows one session run combines. A single larger request still runs, on its own. */
  maxBatch: number;
  /** Longest a request waits for others to join its batch, in milliseconds. 0 batches only what is already queued. */
  maxDelayMs: number;
  /** Most requests waiting for or in inference; more are refused with 503. */
  maxQueue: number;
  /** Called after each session run with its rows and duration in seconds. */
  onRun?: (rows: number, seconds: number) => void;
}

/** Counters that show batching at work. */
export interface BatcherStats {
  /** Requests scored. */
  requests: number;
  /** Rows scored. */
  rows: number;
  /** Session runs: fewer than `requests` when requests were batched together. */
  sessionRuns: number;
}

/** An output tensor's data: a typed array of numbers or bigints. */
type OutputArray = ArrayLike<number | bigint> & {
  subarray(a: number, b: number): ArrayLike<number | bigint>;
};

interface Pending {
  input: InputBatch;
  enqueuedAt: number;
  resolve: (out: RequestOutputs) => void;
  reject: (err: unknown) => void;
}

/**
 * Queues requests and scores them in batches, one session run at a time:
 * onnxruntime-node runs on the calling thread, so overlapping runs would only contend.
 */
export class Batcher {
  private readonly queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private admitted = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly counters: BatcherStats = { requests: 0, rows: 0, sessionRuns: 0 };
  /**
   * Where batches of several requests are assembled, reused from run to run: runs never overlap and
   * the session is done with its input when a run resolves. Allocated on the first shared run.
   */
  private assembly: InputArray | undefined;

  constructor(
    private readonly model: ServedModel,
    private readonly options: BatcherOptions,
  ) {}

  /** Scores one request's rows; rejects with 503 when `maxQueue` requests are already admitted. */
  score(input: InputBatch): Promise<RequestOutputs> {
    if (this.admitted >= this.options.maxQueue) {
      return Promise.reject(
        new HttpError(
          503,
          `server is at its limit of ${this.options.maxQueue} queued requests; retry later`,
          {
            "retry-after": "1",
          },
        ),
      );
    }
    this.admitted++;
    return new Promise<RequestOutputs>((resolve, reject) => {
      this.queue.push({ input, enqueuedAt: performance.now(), resolve, reject });
      this.queuedRows += input.rows;
      this.schedule();
    });
  }

  /** A snapshot of the counters. */
  stats(): BatcherStats {
    return { ...this.counters };
  }

  /** Resolves once no request is queued or running. */
  idle(): Promise<void> {
    if (this.admitted === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    const waited = performance.now() - this.queue[0]!.enqueuedAt;
    const due = this.queuedRows >= this.options.maxBatch || waited >= this.options.maxDelayMs;
    if (this.timer !== undefined) {
      if (!due) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (due) {
      // One event-loop turn lets requests already read from sockets join this batch.
      this.running = true;
      setImmediate(() => void this.run());
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxDelayMs - waited);
    }
  }

  private async run(): Promise<void> {
    const batch = this.take();
    let rows = 0;
    for (const p of batch) rows += p.input.rows;
    const { input, outputs } = this.model;
    let data = batch[0]!.input.data;
    if (batch.length > 1) {
      // Several requests sum to at most maxBatch rows (only a lone request may be larger).
      this.assembly ??= allocate(input, this.options.maxBatch);
      data = this.assembly.subarray(0, rows * input.rowSize);
      let at = 0;
      for (const p of batch) {
        data.set(p.input.data, at);
        at += p.input.data.length;
      }
    }
    const started = performance.now();
    try {
      const feeds = { [input.name]: new ort.Tensor(input.type, data, [rows, ...input.shape.slice(1)]) };
      const result = await this.model.session.run(feeds);
      const seconds = (performance.now() - started) / 1000;
      this.counters.sessionRuns++;
      this.counters.requests += batch.length;
      this.counters.rows += rows;
      this.options.onRun?.(rows, seconds);
      const all = outputs.map((spec) => result[spec.name]!.data as unknown as OutputArray);
      let row = 0;
      for (const p of batch) {
        const end = row + p.input.rows;
        const tensors: RequestOutputs["tensors"] = new Array(outputs.length);
        for (let i = 0; i < outputs.length; i++) {
          const spec = outputs[i]!;
          tensors[i] = { spec, data: all[i]!.subarray(row * spec.rowSize, end * spec.rowSize) };
        }
        p.resolve({ rows: p.input.rows, tensors });
        row = end;
      }
    } catch (err) {
      const failure = new HttpError(500, `inference failed: ${(err as Error).message.split("\n", 1)[0]}`);
      for (const p of batch) p.reject(failure);
    } finally {
      this.admitted -= batch.length;
      this.running = false;
      if (this.admitted === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      this.schedule();
    }
  }

  /** Takes queued requests up to `maxBatch` rows (always at least one). */
  private take(): Pending[] {
    let rows = this.queue[0]!.input.rows;
    let n = 1;
    while (n < this.queue.length && rows + this.queue[n]!.input.rows <= this.options.maxBatch) {
      rows += this.queue[n]!.input.rows;
      n++;
    }
    this.queuedRows -= rows;
    return this.queue.splice(0, n);
  }
}
