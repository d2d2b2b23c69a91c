/**
 * Observability of `switchyard run`: Prometheus metrics scraped from a running
 * pipeline (and the Grafana dashboard in docs/grafana checked against them),
 * OTLP/HTTP export to a small receiver on loopback, and JSON logs.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../../test/harness/ports.js";
import { startCli, waitForOutput } from "./spawn-cli.js";

const DASHBOARD = new URL("../../../docs/grafana/switchyard.json", import.meta.url);

/** Seeds 300 transactions, one of them poisoned; the model is a function, the alerts a memory stream. */
const CONFIG = `import { defineConfig, embedded, functionModel } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";

const memory = embedded().schemes.find((s) => s.kind === "stream" && s.scheme === "memory")!;
const tx = (await memory.create(new URL("memory://tx?partitions=2"), { name: "seed", baseDir: "." })) as StreamDriver;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
await tx.send(
  Array.from({ length: 300 }, (_, id) => ({ key: String(id % 10), value: encode({ id, amount: id === 7 ? -1 : id }), headers: {}, timestamp: Date.now() })),
  AbortSignal.timeout(5000),
);

export default defineConfig({
  profiles: {
    local: {
      streams: { transactions: "memory://tx?partitions=2", alerts: "memory://alerts", "dead-letters": "memory://dlq" },
      models: { fraud: functionModel((inputs: number[]) => inputs.map((amount) => (amount > 150 ? 0.95 : 0.1))) },
    },
  },
});
`;

const PIPELINE = `import { pipeline } from "@switchyard/core";

export default pipeline("scored")
  .from<{ id: number; amount: number }>("transactions")
  .map((tx) => {
    if (tx.amount < 0) throw new Error(\`negative amount in \${tx.id}\`);
    return tx;
  })
  .infer("fraud", { input: (tx) => tx.amount, output: (tx, score: number) => ({ ...tx, score }) })
  .filter((tx) => tx.score > 0.9)
  .to("alerts")
  .configure({ batchSize: 50, retry: { maxAttempts: 2, initialDelayMs: 10 } });
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-metrics-"));
  await writeFile(join(dir, "switchyard.config.mts"), CONFIG);
  await writeFile(join(dir, "scored.ts"), PIPELINE);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The metric names in a Prometheus text exposition, without histogram suffixes. */
function metricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const match = /^# TYPE (\S+) /.exec(line);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return names;
}

/** The value of the sample `name{...labels}` whose labels include every one of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(" ").at(-1));
  }
  return undefined;
}

/** Every metric a PromQL expression selects (`switchyard_…{`; labels are not followed by a brace), histogram suffixes removed. */
function namedIn(expr: string): string[] {
  return [...expr.matchAll(/\bswitchyard_[a-z0-9_]+(?=\{)/g)].map((m) =>
    m[0].replace(/_(bucket|sum|count)$/, ""),
  );
}

describe("switchyard run --metrics-port", () => {
  it("serves the runtime's metrics to Prometheus, and the dashboard names only those", async () => {
    const port = await freePort();
    const cli = startCli(["run", "scored.ts", "--metrics-port", String(port)], dir);
    try {
      await waitForOutput(cli, ({ stderr }) =>
        stderr.includes(`metrics on http://127.0.0.1:${port}/metrics`),
      );
      let text = "";
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
        const settled = sample(text, "switchyard_records_processed_total", { switchyard_pipeline: "scored" });
        if (settled === 300 && sample(text, "switchyard_lag", { switchyard_partition: "1" }) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const pipeline = { switchyard_pipeline: "scored" };
      // A retried record, and those of its key held behind it, enter the step again.
      expect(
        sample(text, "switchyard_stage_records_in_total", { ...pipeline, switchyard_stage: "map#0" }),
      ).toBeGreaterThanOrEqual(300);
      expect(
        sample(text, "switchyard_stage_records_out_total", { ...pipeline, switchyard_stage: "map#0" }),
      ).toBe(299);
      // 149 amounts above 150 (151..299) pass the filter.
      expect(
        sample(text, "switchyard_stage_records_out_total", { ...pipeline, switchyard_stage: "filter#2" }),
      ).toBe(149);
      expect(
        sample(text, "switchyard_records_dead_lettered_total", { ...pipeline, switchyard_stage: "map#0" }),
      ).toBe(1);
      expect(
        sample(text, "switchyard_retries_total", {
          switchyard_stage: "map#0",
          switchyard_error_code: "Unknown",
        }),
      ).toBe(1);
      expect(sample(text, "switchyard_model_batch_size_sum", { switchyard_model: "fraud" })).toBe(299);
      expect(sample(text, "switchyard_lag", { ...pipeline, switchyard_partition: "0" })).toBe(0);
      expect(sample(text, "switchyard_records_in_flight", pipeline)).toBe(0);
      const emitted = metricNames(text);

      const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as {
        panels: { title: string; targets: { expr: string }[] }[];
      };
      const named = dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap((target) => namedIn(target.expr)),
      );
      expect(named.length).toBeGreaterThan(8);
      for (const name of named) expect(emitted, `dashboard metric ${name}`).toContain(name);
    } finally {
      cli.child.kill("SIGINT");
      await cli.exited;
    }
  }, 120_000);
});

/** An OTLP/HTTP receiver on loopback: keeps the JSON bodies posted to /v1/traces and /v1/metrics. */
async function otlpReceiver(): Promise<{ url: string; bodies: Map<string, string[]>; close(): void }> {
  const bodies = new Map<string, string[]>([
    ["/v1/traces", []],
    ["/v1/metrics", []],
  ]);
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      bodies.get(req.url ?? "")?.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bodies, close: () => server.close() };
}

describe("switchyard run with OTLP", () => {
  it("exports batch spans and the runtime's metrics when OTEL_EXPORTER_OTLP_ENDPOINT is set", async () => {
    const receiver = await otlpReceiver();
    try {
      const cli = startCli(["run", "scored.ts", "--quiet"], dir, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: "1000",
        OTEL_SERVICE_NAME: "scored-test",
      });
      await waitForOutput(cli, ({ stderr }) => stderr.includes("dead letter: map#0"));
      cli.child.kill("SIGINT");
      const result = await cli.exited;
      expect(result.code, result.stderr).toBe(0);
      // Shutting down flushed what was pending.
      const traces = receiver.bodies.get("/v1/traces")!.join("\n");
      expect(traces).toContain('"name":"switchyard.batch"');
      expect(traces).toContain('"stringValue":"scored-test"');
      const metrics = receiver.bodies.get("/v1/metrics")!.join("\n");
      for (const name of [
        "switchyard.stage.records.in",
        "switchyard.model.latency",
        "switchyard.e2e_latency",
      ])
        expect(metrics).toContain(`"name":"${name}"`);
    } finally {
      receiver.close();
    }
  }, 120_000);
});

describe("switchyard run --log-format json", () => {
  it("writes one JSON object a line, with level and message, and leaves out what is below --log-level", async () => {
    const cli = startCli(["run", "scored.ts", "--log-format", "json"], dir);
    await waitForOutput(cli, ({ stderr }) => stderr.includes("dead letter: map#0"));
    cli.child.kill("SIGINT");
    const result = await cli.exited;
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: "info", pipeline: "scored", profile: "local" });
    expect(lines.find((l) => String(l.msg).includes("dead letter: map#0"))).toMatchObject({ level: "warn" });
    expect(lines.at(-1)).toMatchObject({ level: "info", summary: { pipeline: "scored", deadLetters: 1 } });

    const quiet = startCli(["run", "scored.ts", "--log-format", "json", "--log-level", "warn"], dir);
    await waitForOutput(quiet, ({ stderr }) => stderr.includes("dead letter: map#0"));
    quiet.child.kill("SIGINT");
    const warnOnly = await quiet.exited;
    const levels = warnOnly.stderr
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { level: string }).level);
    expect(new Set(levels)).toEqual(new Set(["warn"]));
  }, 120_000);
});
