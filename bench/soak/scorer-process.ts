/**
 * The process under soak: the fraud example's scorer (`src/scorer.ts`) as a
 * `switchyard run` child with the sampler preloaded and Prometheus metrics on,
 * started like the harness's servers (own process group, dies with the soak),
 * and the pipeline figures read back from its metrics endpoint.
 */
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnService } from "../../test/harness/processes.js";
import type { ServiceProcess } from "../../test/harness/processes.js";
import { waitUntil } from "../../test/harness/ports.js";

/** The fraud example's folder, holding its `switchyard.config.ts`. */
export const EXAMPLE_DIR = fileURLToPath(new URL("../../examples/fraud-detection/", import.meta.url));
const CLI_MAIN = fileURLToPath(new URL("../../packages/cli/src/main.ts", import.meta.url));
const SAMPLER = new URL("./sampler.ts", import.meta.url).href;
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));

/** What the scorer's metrics say at one moment. */
export interface PipelinePoint {
  /** Wall-clock time, ms since the epoch. */
  t: number;
  /** `switchyard_records_processed_total`. */
  processed: number;
  /** `switchyard_records_dead_lettered_total`, every stage. */
  deadLetters: number;
  /** `switchyard_lag`, summed over partitions. */
  lag: number;
}

/** Options of {@link startScorer}. */
export interface ScorerOptions {
  /** Variables the example's config reads (`KAFKA_BROKERS`, `REDIS_HOST`, `FRAUD_RUN`). */
  env: Record<string, string>;
  /** The file the sampler appends to. */
  samplesFile: string;
  intervalMs: number;
  metricsPort: number;
  /** Where the child's output goes. */
  logFile: string;
}

/** Starts `switchyard run src/scorer.ts --profile kafka` and waits until its metrics endpoint answers. */
export async function startScorer(options: ScorerOptions): Promise<ServiceProcess> {
  const args = ["run", "src/scorer.ts", "--profile", "kafka", "--quiet"];
  const child = spawnService(
    process.execPath,
    [
      "--import",
      TSX_LOADER,
      "--import",
      SAMPLER,
      CLI_MAIN,
      ...args,
      "--metrics-port",
      String(options.metricsPort),
    ],
    {
      logFile: options.logFile,
      cwd: EXAMPLE_DIR,
      env: {
        TSX_TSCONFIG_PATH: TSCONFIG,
        SWITCHYARD_PROFILE: "",
        ...options.env,
        SOAK_SAMPLES_FILE: options.samplesFile,
        SOAK_INTERVAL_MS: String(options.intervalMs),
      },
    },
  );
  try {
    await waitUntil(async () => (await scrape(options.metricsPort).catch(() => undefined)) !== undefined, {
      what: `switchyard run's metrics on port ${options.metricsPort}`,
      timeoutMs: 120_000,
      intervalMs: 500,
      failFast: () => (child.running() ? undefined : `exited early:\n${child.logTail(20)}`),
    });
  } catch (err) {
    await child.stop(5000);
    throw err;
  }
  return child;
}

/** Reads the scorer's Prometheus metrics once. */
export async function scrape(port: number): Promise<PipelinePoint> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`metrics answered ${response.status}`);
  const text = await response.text();
  return {
    t: Date.now(),
    processed: sum(text, "switchyard_records_processed_total"),
    deadLetters: sum(text, "switchyard_records_dead_lettered_total"),
    lag: sum(text, "switchyard_lag"),
  };
}

/** The sum of every series of metric `name` in a Prometheus text exposition. */
function sum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const rest = line.startsWith(`${name}{`)
      ? line.slice(line.lastIndexOf("}") + 1)
      : line.slice(name.length);
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) total += value;
  }
  return total;
}
