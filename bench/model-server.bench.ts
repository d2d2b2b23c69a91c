/**
 * What dynamic batching buys the model server, and how close serving over HTTP
 * comes to scoring in process.
 *
 * `npm run bench -- model-server [seconds-per-measurement] [runs]` (defaults 1.5 and 5).
 * Headline model: the 10-feature logistic regression of the fraud example. Each
 * client sends one Open Inference Protocol v2 request of one row, waits for the
 * answer, and sends the next, over its own keep-alive connection. The servers run
 * in child processes with one onnxruntime thread (one with the default batching,
 * one with `maxBatch: 1`); the load generator is a minimal HTTP/1.1 client on raw
 * sockets so that client cost stays small next to the server's. In-process figures:
 * 64 callers each awaiting `session.run` of one row (the ceiling for the same call
 * pattern), and one caller running batches of 64 rows (the model's own ceiling).
 * A second model, a perceptron with two hidden layers of 1024, shows batching where
 * inference costs more than HTTP. At 64 clients the server's CPU time per inference is
 * read from /proc as well: on two cores the load generator competes with the server,
 * so CPU per inference shows the server's own cost better than throughput alone. The
 * load generator's own CPU per inference and the server's mean rows per session run
 * (from its /metrics batch-size histogram, read outside the timed window) are reported too.
 * All figures are measured in rotation within each run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import ort from "onnxruntime-node";
import { serveModel } from "../packages/model-server/src/index.js";
import { writeTestModel } from "../packages/model-server/src/test-model.js";
import { median, type BenchResult } from "./report.js";

const FEATURES = 10;
const HEAVY_HIDDEN = [1024, 1024];
const CHILD_ENV = "SWITCHYARD_BENCH_MODEL_SERVER";

/** A keep-alive HTTP/1.1 connection that sends one prebuilt request at a time (also used by model-server-protocols). */
export class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;
  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new Connection(socket)));
      socket.once("error", reject);
    });
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = this.buffer.toString("latin1", 0, end);
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    this.buffer = this.buffer.subarray(end + 4 + length);
    const resolve = this.waiting!;
    this.waiting = undefined;
    resolve(Number(head.slice(9, 12)));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is no /proc. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15, in clock ticks (100/s on Linux).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Rows and session runs the server at `url` has scored so far, from its batch-size histogram on /metrics. */
async function batchTotals(url: string): Promise<{ rows: number; runs: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) =>
    Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return { rows: read("switchyard_model_batch_size_sum"), runs: read("switchyard_model_batch_size_count") };
}

/** What `httpLoad` records of the server and the load generator besides throughput, one entry per measurement. */
interface LoadFigures {
  /** The server's pid, for its CPU time. */
  pid: number | undefined;
  /** The server's base URL, for its batch sizes. */
  url: string;
  /** Server CPU microseconds per inference. */
  cpu: number[];
  /** Load generator (this process) CPU microseconds per inference. */
  clientCpu: number[];
  /** Mean rows per session run. */
  batchRows: number[];
}

/**
 * Inferences per second of closed-loop clients, one per connection, for `ms` milliseconds;
 * with `figures`, also records the server's and the load generator's CPU per inference and
 * the server's mean batch.
 */
async function httpLoad(
  connections: Connection[],
  request: Buffer,
  ms: number,
  figures?: LoadFigures,
): Promise<number> {
  let done = 0;
  let failed = 0;
  const batchesBefore = figures === undefined ? undefined : await batchTotals(figures.url);
  const cpuBefore = cpuSeconds(figures?.pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    connections.map(async (c) => {
      while (performance.now() < end) {
        if ((await c.send(request)) === 200) done++;
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(figures?.pid);
  const client = process.cpuUsage(clientBefore);
  if (failed > 0) throw new Error(`${failed} requests failed`);
  if (figures !== undefined) {
    if (cpuBefore !== undefined && cpuAfter !== undefined)
      figures.cpu.push(((cpuAfter - cpuBefore) * 1e6) / done);
    figures.clientCpu.push((client.user + client.system) / done);
    const batchesAfter = await batchTotals(figures.url);
    figures.batchRows.push(
      (batchesAfter.rows - batchesBefore!.rows) / (batchesAfter.runs - batchesBefore!.runs),
    );
  }
  return done / seconds;
}

/** Inferences per second of `callers` in-process callers, each awaiting `session.run` of `rows` rows. */
async function inProcess(
  session: ort.InferenceSession,
  callers: number,
  rows: number,
  ms: number,
): Promise<number> {
  const feeds = {
    features: new ort.Tensor("float32", new Float32Array(rows * FEATURES).fill(0.5), [rows, FEATURES]),
  };
  let done = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        await session.run(feeds);
        done += rows;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** Starts a model server in a child process and resolves with its port. */
async function startServer(
  path: string,
  options: { maxBatch?: number },
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ["--import", import.meta.resolve("tsx"), fileURLToPath(import.meta.url)],
    {
      env: { ...process.env, [CHILD_ENV]: JSON.stringify({ path, options }) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once("line", (line) => resolve(Number(line)));
    child.once("exit", (code) => reject(new Error(`model server exited with ${code}`)));
  });
  return { port, child };
}

function inferRequest(port: number, name: string): Buffer {
  const body = JSON.stringify({
    inputs: [{ name: "features", shape: [1, FEATURES], datatype: "FP32", data: Array(FEATURES).fill(0.5) }],
  });
  return Buffer.from(
    `POST /v2/models/${name}/infer HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export default async function modelServerBench(args: string[]): Promise<BenchResult> {
  const ms = Number(args[0] ?? 1.5) * 1000;
  const runs = Number(args[1] ?? 5);
  const dir = await mkdtemp(join(tmpdir(), "switchyard-bench-model-"));
  const children: ChildProcess[] = [];
  const connections: Connection[] = [];
  try {
    const path = await writeTestModel(join(dir, "fraud.onnx"), { features: FEATURES });
    const heavyPath = await writeTestModel(join(dir, "heavy.onnx"), {
      features: FEATURES,
      hidden: HEAVY_HIDDEN,
    });
    const pool = async (port: number, n: number) => {
      const opened = await Promise.all(Array.from({ length: n }, () => Connection.open(port)));
      connections.push(...opened);
      return opened;
    };
    const measures: [string, () => Promise<number>][] = [];
    const loadFigures = new Map<string, LoadFigures>();
    const sessions: ort.InferenceSession[] = [];
    for (const [model, file, single] of [
      ["", path, true],
      ["heavy", heavyPath, false],
    ] as const) {
      for (const [label, options] of [
        ["batched", {}],
        ["unbatched", { maxBatch: 1 }],
      ] as const) {
        const server = await startServer(file, options);
        children.push(server.child);
        const request = inferRequest(server.port, model === "" ? "fraud" : "heavy");
        const many = await pool(server.port, 64);
        const figures: LoadFigures = {
          pid: server.child.pid,
          url: `http://127.0.0.1:${server.port}`,
          cpu: [],
          clientCpu: [],
          batchRows: [],
        };
        loadFigures.set(`${model}${label}64`, figures);
        measures.push([`${model}${label}64`, () => httpLoad(many, request, ms, figures)]);
        if (single) {
          const one = await pool(server.port, 1);
          measures.push([`${model}${label}1`, () => httpLoad(one, request, ms)]);
        }
      }
      const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
      sessions.push(session);
      measures.push([`${model}inProcess64`, () => inProcess(session, 64, 1, ms)]);
      if (single) measures.push(["inProcessBatch64", () => inProcess(session, 1, 64, ms)]);
    }
    const results = new Map<string, number[]>(measures.map(([name]) => [name, []]));
    for (const [, measure] of measures) await measure();
    for (let i = 0; i < runs; i++) {
      const line: string[] = [];
      for (const [name, measure] of measures) {
        const value = await measure();
        results.get(name)!.push(value);
        line.push(`${name} ${Math.round(value).toLocaleString("en-US")}`);
      }
      console.error(`run ${i + 1}/${runs}: ${line.join(", ")} inferences/s`);
    }
    for (const session of sessions) await session.release();
    const m = (name: string) => Math.round(median(results.get(name)!));
    // The warm-up pass recorded figures too; keep only the timed runs.
    const figure = (name: string, kind: "cpu" | "clientCpu" | "batchRows") => {
      const values = loadFigures.get(name)![kind].slice(1);
      return values.length === 0 ? Number.NaN : Math.round(median(values) * 10) / 10;
    };
    const ours = m("batched64");
    const baseline = m("unbatched64");
    return {
      bench: "model-server",
      unit: "inferences/s",
      ours,
      baseline,
      ratio: Math.round((ours / baseline) * 1000) / 1000,
      runs,
      baselineName: "model server without batching, 64 clients",
      extra: {
        batched1: m("batched1"),
        unbatched1: m("unbatched1"),
        inProcess64: m("inProcess64"),
        inProcessBatch64: m("inProcessBatch64"),
        ratioToInProcess64: Math.round((ours / m("inProcess64")) * 1000) / 1000,
        ratioToInProcessBatch64: Math.round((ours / m("inProcessBatch64")) * 1000) / 1000,
        heavyBatched64: m("heavybatched64"),
        heavyUnbatched64: m("heavyunbatched64"),
        heavyInProcess64: m("heavyinProcess64"),
        heavyBatchingRatio: Math.round((m("heavybatched64") / m("heavyunbatched64")) * 1000) / 1000,
        serverCpuUsPerInferenceBatched64: figure("batched64", "cpu"),
        serverCpuUsPerInferenceUnbatched64: figure("unbatched64", "cpu"),
        heavyServerCpuUsPerInferenceBatched64: figure("heavybatched64", "cpu"),
        heavyServerCpuUsPerInferenceUnbatched64: figure("heavyunbatched64", "cpu"),
        clientCpuUsPerInferenceBatched64: figure("batched64", "clientCpu"),
        clientCpuUsPerInferenceUnbatched64: figure("unbatched64", "clientCpu"),
        meanBatchRowsBatched64: figure("batched64", "batchRows"),
        heavyMeanBatchRowsBatched64: figure("heavybatched64", "batchRows"),
      },
    };
  } finally {
    for (const c of connections) c.close();
    for (const child of children) child.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

/** Child-process mode: serve the model and print the port. */
if (process.env[CHILD_ENV] !== undefined) {
  const { path, options } = JSON.parse(process.env[CHILD_ENV]) as {
    path: string;
    options: { maxBatch?: number };
  };
  const server = await serveModel(path, { port: 0, threads: 1, env: {}, ...options });
  console.log(server.port);
  process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
}
