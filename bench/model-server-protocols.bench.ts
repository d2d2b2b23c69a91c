/**
 * What each way of sending tensors costs the model server per request: Open
 * Inference Protocol v2 REST with JSON tensors, REST with the binary tensor data
 * extension, and gRPC with raw tensor contents.
 *
 * `npm run bench -- model-server-protocols [seconds-per-measurement] [runs]` (defaults 1.5 and 5).
 * One server (fraud model, one onnxruntime thread, default batching) in a child
 * process serves REST and gRPC. 64 closed-loop clients each send one request at a
 * time: REST over raw keep-alive sockets with a prebuilt request (so client cost
 * stays small), gRPC through @grpc/grpc-js over one channel. Requests of 1 and of 64
 * rows. Figures: requests per second, the server's CPU microseconds per request read
 * from /proc (on two cores the load generator competes with the server, so the server's
 * CPU per request is the fairer cost), and the load generator's own CPU per request.
 * Measured in rotation within each run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { openInferenceMethods } from "../packages/core/src/http-models/open-inference-proto.js";
import { serveModel } from "../packages/model-server/src/index.js";
import { writeTestModel } from "../packages/model-server/src/test-model.js";
import { Connection, cpuSeconds } from "./model-server.bench.js";
import { median, type BenchResult } from "./report.js";

const FEATURES = 10;
const CLIENTS = 64;
const CHILD_ENV = "SWITCHYARD_BENCH_MODEL_PROTOCOLS";

function values(rows: number): number[] {
  return Array.from({ length: rows * FEATURES }, (_, i) => ((i * 7) % 11) / 5 - 1);
}

function httpRequest(port: number, headers: string, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `POST /v2/models/fraud/infer HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}Content-Length: ${body.length}\r\n\r\n`,
    ),
    body,
  ]);
}

function jsonRequest(port: number, rows: number): Buffer {
  const body = JSON.stringify({
    inputs: [{ name: "features", shape: [rows, FEATURES], datatype: "FP32", data: values(rows) }],
  });
  return httpRequest(port, "Content-Type: application/json\r\n", Buffer.from(body));
}

function binaryRequest(port: number, rows: number): Buffer {
  const bytes = Buffer.from(Float32Array.from(values(rows)).buffer);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: "features",
          shape: [rows, FEATURES],
          datatype: "FP32",
          parameters: { binary_data_size: bytes.length },
        },
      ],
      parameters: { binary_data_output: true },
    }),
  );
  return httpRequest(
    port,
    `Content-Type: application/octet-stream\r\nInference-Header-Content-Length: ${header.length}\r\n`,
    Buffer.concat([header, bytes]),
  );
}

/** Requests per second of `clients` closed-loop senders for `ms`, and the server's CPU µs per request. */
async function load(
  pid: number | undefined,
  ms: number,
  clients: (() => Promise<void>)[],
): Promise<{ rate: number; cpu: number; clientCpu: number }> {
  let done = 0;
  const cpuBefore = cpuSeconds(pid) ?? Number.NaN;
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    clients.map(async (send) => {
      while (performance.now() < end) {
        await send();
        done++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = (((cpuSeconds(pid) ?? Number.NaN) - cpuBefore) * 1e6) / done;
  const client = process.cpuUsage(clientBefore);
  return { rate: done / seconds, cpu, clientCpu: (client.user + client.system) / done };
}

async function startServer(path: string): Promise<{ port: number; grpcPort: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ["--import", import.meta.resolve("tsx"), fileURLToPath(import.meta.url)],
    { env: { ...process.env, [CHILD_ENV]: path }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const ports = await new Promise<number[]>((resolve, reject) => {
    lines.once("line", (line) => resolve(line.split(" ").map(Number)));
    child.once("exit", (code) => reject(new Error(`model server exited with ${code}`)));
  });
  return { port: ports[0]!, grpcPort: ports[1]!, child };
}

export default async function modelServerProtocolsBench(args: string[]): Promise<BenchResult> {
  const ms = Number(args[0] ?? 1.5) * 1000;
  const runs = Number(args[1] ?? 5);
  const dir = await mkdtemp(join(tmpdir(), "switchyard-bench-protocols-"));
  const connections: Connection[] = [];
  let child: ChildProcess | undefined;
  let client: grpc.Client | undefined;
  try {
    const server = await startServer(await writeTestModel(join(dir, "fraud.onnx"), { features: FEATURES }));
    child = server.child;
    const pid = child.pid;
    for (let i = 0; i < CLIENTS; i++) connections.push(await Connection.open(server.port));
    client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    const infer = openInferenceMethods().ModelInfer;
    const grpcCall = (request: object) => () =>
      new Promise<void>((resolve, reject) =>
        client!.makeUnaryRequest(infer.path, infer.encodeRequest, infer.decodeResponse, request, (err) =>
          err === null ? resolve() : reject(err),
        ),
      );
    const rest = (request: Buffer) =>
      connections.map((c) => async () => {
        const status = await c.send(request);
        if (status !== 200) throw new Error(`server answered ${status}`);
      });
    const measures: [string, () => Promise<{ rate: number; cpu: number; clientCpu: number }>][] = [];
    for (const rows of [1, 64]) {
      const grpcRequest = {
        modelName: "fraud",
        inputs: [{ name: "features", datatype: "FP32", shape: [rows, FEATURES] }],
        rawInputContents: [Buffer.from(Float32Array.from(values(rows)).buffer)],
      };
      measures.push(
        [`json${rows}`, () => load(pid, ms, rest(jsonRequest(server.port, rows)))],
        [`binary${rows}`, () => load(pid, ms, rest(binaryRequest(server.port, rows)))],
        [
          `grpc${rows}`,
          () =>
            load(
              pid,
              ms,
              Array.from({ length: CLIENTS }, () => grpcCall(grpcRequest)),
            ),
        ],
      );
    }
    const rates = new Map<string, number[]>(measures.map(([name]) => [name, []]));
    const cpus = new Map<string, number[]>(measures.map(([name]) => [name, []]));
    const clientCpus = new Map<string, number[]>(measures.map(([name]) => [name, []]));
    for (const [, measure] of measures) await measure();
    for (let i = 0; i < runs; i++) {
      const line: string[] = [];
      for (const [name, measure] of measures) {
        const { rate, cpu, clientCpu } = await measure();
        rates.get(name)!.push(rate);
        cpus.get(name)!.push(cpu);
        clientCpus.get(name)!.push(clientCpu);
        line.push(`${name} ${Math.round(rate).toLocaleString("en-US")}/s ${cpu.toFixed(1)}µs`);
      }
      console.error(`run ${i + 1}/${runs}: ${line.join(", ")}`);
    }
    const rate = (name: string) => Math.round(median(rates.get(name)!));
    const cpu = (name: string, from = cpus) => Math.round(median(from.get(name)!) * 10) / 10;
    const extra: Record<string, number> = {};
    for (const [name] of measures) {
      extra[`${name}RequestsPerSecond`] = rate(name);
      extra[`${name}ServerCpuUsPerRequest`] = cpu(name);
      extra[`${name}ClientCpuUsPerRequest`] = cpu(name, clientCpus);
    }
    return {
      bench: "model-server-protocols",
      unit: "requests/s",
      ours: rate("binary1"),
      baseline: rate("json1"),
      ratio: Math.round((rate("binary1") / rate("json1")) * 1000) / 1000,
      runs,
      baselineName: "v2 REST with JSON tensors, 1 row per request, 64 clients",
      extra,
    };
  } finally {
    for (const c of connections) c.close();
    client?.close();
    child?.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

/** Child-process mode: serve the model over REST and gRPC and print both ports. */
if (process.env[CHILD_ENV] !== undefined) {
  const server = await serveModel(process.env[CHILD_ENV], { port: 0, grpcPort: 0, threads: 1, env: {} });
  console.log(`${server.port} ${server.grpcPort}`);
  process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
}
