/**
 * The `switchyard serve-model` command: serves an ONNX model until SIGINT or
 * SIGTERM, then shuts down gracefully.
 */
import { parseArgs } from "node:util";
import { SwitchyardError } from "@switchyard/core/driver";
import type { ServeModelOptions } from "./options.js";
import { serveModel } from "./server.js";

/** Usage text of `switchyard serve-model`. */
export const SERVE_MODEL_USAGE = `usage: switchyard serve-model <model.onnx> [options]

  --port <n>             port (default: $AIP_HTTP_PORT, else 8080)
  --grpc-port <n>        also serve the Open Inference Protocol over gRPC on this port
  --host <addr>          interface to bind (default: $SWITCHYARD_HOST, else 127.0.0.1)
  --name <name>          model name in routes (default: $SWITCHYARD_MODEL_NAME, else file name)
  --max-batch <n>        most rows per session run (default 64; 1 turns batching off)
  --max-delay-ms <n>     longest a request waits for others to share its run (default 0)
  --max-queue <n>        queued requests before 503 (default 1024)
  --max-body-bytes <n>   largest request body before 413 (default 8388608)
  --azure-key <key>      require "Authorization: Bearer <key>" on /score (or $SWITCHYARD_AZURE_KEY)
  --threads <n>          onnxruntime intra-op threads

The model path may also come from $SWITCHYARD_MODEL. A leading "serve" argument
(how SageMaker starts containers) is ignored.`;

/** Where `main` writes and when it stops; shaped like the `switchyard` CLI's command I/O. Defaults are the process's own. */
export interface MainIo {
  /** Where usage goes. Default: process stdout. */
  stdout?: (text: string) => void;
  /** Where progress and errors go. Default: process stderr. */
  stderr?: (text: string) => void;
  /** Stops the server when aborted. Default: the first SIGINT or SIGTERM. */
  signal?: AbortSignal;
  /** Environment. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One-line summary of the command, for command lists. */
export const SERVE_MODEL_SUMMARY = "Serve an ONNX model with every cloud's serving contract";

/**
 * The CLI entry: `main(["model.onnx", "--port", "8080"])` serves until stopped and
 * resolves with the exit code (0 after a clean shutdown, 2 for bad usage, 1 when the
 * model cannot be served — a missing or unreadable file, a bad model — or the port cannot be bound).
 */
export async function main(argv: readonly string[], io: MainIo = {}): Promise<number> {
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const log = (line: string) => stderr(`${line}\n`);
  const env = io.env ?? process.env;
  let options: ServeModelOptions;
  let path: string | undefined;
  try {
    const args = argv[0] === "serve" ? argv.slice(1) : argv;
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        port: { type: "string" },
        "grpc-port": { type: "string" },
        host: { type: "string" },
        name: { type: "string" },
        "max-batch": { type: "string" },
        "max-delay-ms": { type: "string" },
        "max-queue": { type: "string" },
        "max-body-bytes": { type: "string" },
        "azure-key": { type: "string" },
        threads: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help === true) {
      (io.stdout ?? ((text: string) => process.stdout.write(text)))(`${SERVE_MODEL_USAGE}\n`);
      return 0;
    }
    path = positionals[0] ?? env.SWITCHYARD_MODEL;
    if (path === undefined || positionals.length > 1) throw new Error("give exactly one model file");
    const azureKey = values["azure-key"] ?? env.SWITCHYARD_AZURE_KEY;
    const host = values.host ?? env.SWITCHYARD_HOST;
    const name = values.name ?? env.SWITCHYARD_MODEL_NAME;
    options = {
      env,
      ...num("port", values.port),
      ...num("grpcPort", values["grpc-port"]),
      ...(host === undefined ? {} : { host }),
      ...(name === undefined ? {} : { name }),
      ...num("maxBatch", values["max-batch"]),
      ...num("maxDelayMs", values["max-delay-ms"]),
      ...num("maxQueue", values["max-queue"]),
      ...num("maxBodyBytes", values["max-body-bytes"]),
      ...num("threads", values.threads),
      ...(azureKey === undefined ? {} : { azureKey }),
    };
  } catch (err) {
    log(`serve-model: ${(err as Error).message}\n${SERVE_MODEL_USAGE}`);
    return 2;
  }
  let server;
  try {
    server = await serveModel(path, options);
  } catch (err) {
    // The arguments were well formed: what failed is the file or the port, not the usage.
    log(`serve-model: ${(err instanceof SwitchyardError ? `${err.code}: ` : "") + (err as Error).message}`);
    return 1;
  }
  const grpc = server.grpcPort === undefined ? "" : `, gRPC on port ${server.grpcPort}`;
  log(
    `serving model "${server.model}" from ${path} on ${server.url}${grpc} (metrics on ${server.url}/metrics)`,
  );
  await (io.signal === undefined ? signalled() : aborted(io.signal));
  log("shutting down: finishing requests in flight");
  await server.close();
  return 0;
}

function num(name: keyof ServeModelOptions, value: string | undefined): Partial<ServeModelOptions> {
  if (value === undefined) return {};
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n))
    throw new Error(`--${flag(name)} needs a number, got "${value}"`);
  return { [name]: n };
}

function flag(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** The `serve-model` command for the `switchyard` CLI's command table. */
export const serveModelCommand = {
  name: "serve-model",
  summary: SERVE_MODEL_SUMMARY,
  usage: SERVE_MODEL_USAGE,
  run: (args: string[], io: MainIo): Promise<number> => main(args, io),
};
