/**
 * `switchyard run` when a back end is away, tried the way a user meets it: the
 * CLI in a child process, a config whose resources point at a port nothing
 * listens on, or at a redis-server that is killed mid-run.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeRunDir } from "../../../test/harness/paths.js";
import { freePort } from "../../../test/harness/ports.js";
import type { ServiceProcess } from "../../../test/harness/processes.js";
import { describeService } from "../../../test/harness/suite.js";
import { launchRedis } from "../../../test/services/redis.js";
import { startCli, waitForOutput } from "./spawn-cli.js";
import type { CliProcess, CliResult } from "./spawn-cli.js";

let dir: string;

/** A config that seeds `count` records into the in-process `memory://tx` stream, with `resources` added to the profile. */
function config(count: number, resources: string): string {
  return `import { defineConfig, embedded } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";
import { redis } from "@switchyard/adapter-redis";

const memory = embedded().schemes.find((s) => s.kind === "stream" && s.scheme === "memory")!;
const tx = (await memory.create(new URL("memory://tx?partitions=2"), { name: "seed", baseDir: "." })) as StreamDriver;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
for (let first = 0; first < ${count}; first += 5000) {
  const ids = Array.from({ length: Math.min(5000, ${count} - first) }, (_, i) => first + i);
  await tx.send(ids.map((id) => ({ key: String(id), value: encode({ id }), headers: {}, timestamp: Date.now() })), AbortSignal.timeout(5000));
}

export default defineConfig({
  adapters: [redis()],
  profiles: {
    local: {
      streams: { transactions: "memory://tx?partitions=2", "dead-letters": "memory://dlq", ${resources} },
    },
  },
});
`;
}

/** Each record waits 1 ms (as a model call would), then is stored under its id and, when `alerts` is set, written there. */
function pipelineModule(options: { alerts?: boolean } = {}): string {
  return `import { pipeline } from "@switchyard/core";

let p = pipeline("outage")
  .from<{ id: number }>("transactions")
  .enrich(async (batch: { id: number }[]) => {
    await new Promise((resolve) => setTimeout(resolve, batch.length));
    return batch;
  })
  .configure({ batchSize: 100 });
${options.alerts === true ? 'p = p.to("alerts");' : ""}
export default p.store("seen", { key: (r) => String(r.id), value: (r) => r.id });
`;
}

async function setUp(count: number, resources: string, module = pipelineModule()): Promise<void> {
  await writeFile(join(dir, "switchyard.config.mts"), config(count, resources));
  await writeFile(join(dir, "outage.ts"), module);
}

/** Waits for the CLI to exit; when it takes longer than `ms`, kills it and fails. */
async function exitWithin(cli: CliProcess, ms: number, what: string): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill("SIGKILL");
      reject(new Error(`${what}: the CLI was still running after ${ms} ms:\n${cli.output().stderr}`));
    }, ms);
  });
  try {
    return await Promise.race([cli.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one-line error of a failed start: no Node stack trace, the resource named. */
function expectOneLineError(result: CliResult, resource: RegExp): void {
  const lines = result.stderr.trim().split("\n");
  expect(result.stderr, "no stack trace").not.toMatch(/^\s+at |Node\.js v\d+/m);
  expect(lines.at(-1)).toMatch(/^switchyard run: (Unavailable|DeadlineExceeded): /);
  expect(lines.at(-1)).toMatch(resource);
  expect(lines.at(-1)).toContain("at startup");
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-outage-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("switchyard run with a back end that is not there at startup", () => {
  it("fails fast with one line and exit code 3 when the state store does not answer", async () => {
    const port = await freePort();
    await setUp(100, `"unused": "memory://unused" }, state: { seen: "redis://127.0.0.1:${port}/0" `);
    const started = Date.now();
    const cli = startCli(["run", "outage.ts", "--json"], dir);
    const result = await exitWithin(cli, 30_000, "state store down at start");
    expect(result.code).toBe(3);
    expectOneLineError(result, new RegExp(`state "seen" \\(redis://127\\.0\\.0\\.1:${port}/0\\)`));
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
    expect(summary).toMatchObject({ exitCode: 3, profile: "local", error: { code: expect.any(String) } });
    expect(Date.now() - started, "well within the startup timeout").toBeLessThan(30_000);
  }, 60_000);

  it("fails fast when a model endpoint does not answer", async () => {
    const port = await freePort();
    await setUp(
      100,
      `"unused": "memory://unused" }, models: { scorer: "kserve://127.0.0.1:${port}/scorer" `,
      `import { pipeline } from "@switchyard/core";
export default pipeline("outage").from<{ id: number }>("transactions").infer("scorer", { input: (r) => [r.id], output: (r) => r });
`,
    );
    const result = await exitWithin(startCli(["run", "outage.ts"], dir), 30_000, "model down at start");
    expect(result.code).toBe(3);
    expectOneLineError(result, /model "scorer" \(kserve:\/\/127\.0\.0\.1:\d+\/scorer\)/);
  }, 60_000);

  it("fails fast when a sink stream does not answer", async () => {
    const port = await freePort();
    await setUp(
      100,
      `alerts: "redis-stream://127.0.0.1:${port}/alerts" `,
      `import { pipeline } from "@switchyard/core";
export default pipeline("outage").from<{ id: number }>("transactions").to("alerts");
`,
    );
    const result = await exitWithin(startCli(["run", "outage.ts"], dir), 30_000, "sink down at start");
    expect(result.code).toBe(3);
    expectOneLineError(result, /stream "alerts" \(redis-stream:\/\/127\.0\.0\.1:\d+\/alerts\)/);
  }, 60_000);
});

// Uses a server of its own, which it kills; the harness's shared server only tells whether Redis can run here.
describeService("redis", "switchyard run when its Redis server dies mid-run", () => {
  let port = 0;
  let runDir: string | undefined;
  let server: ServiceProcess | undefined;

  beforeAll(async () => {
    port = await freePort();
    runDir = makeRunDir("redis");
    server = await launchRedis(port, runDir);
  }, 30_000);

  afterAll(async () => {
    await server?.stop(2000);
    if (runDir !== undefined) rmSync(runDir, { recursive: true, force: true });
  });

  it("warns within seconds, counts the records retrying, and stops on one SIGINT", async () => {
    const base = `127.0.0.1:${port}`;
    await setUp(
      100_000,
      `alerts: "redis-stream://${base}/outage-alerts" }, state: { seen: "redis://${base}/0?keyPrefix=outage:" `,
      pipelineModule({ alerts: true }),
    );
    const cli = startCli(["run", "outage.ts", "--drain-timeout", "3000"], dir);
    try {
      await waitForOutput(cli, ({ stderr }) => stderr.includes('outage: running on profile "local"'));
      // Busy for a few seconds (a stats line shows records done), then the server goes away.
      await waitForOutput(cli, ({ stderr }) => /outage {2}[1-9][\d,]* done/.test(stderr));
      await server!.stop(0);
      const killedAt = Date.now();
      await waitForOutput(cli, ({ stderr }) =>
        /(store:seen#\d+|to:alerts#\d+): (Unavailable|DeadlineExceeded): [^\n]*(state store "seen"|stream "alerts")[^\n]*retrying/.test(
          stderr,
        ),
      );
      expect(Date.now() - killedAt, "the outage shows within seconds").toBeLessThan(15_000);
      await waitForOutput(cli, ({ stderr }) => /in flight [\d,]+ \([1-9][\d,]* retrying\)/.test(stderr));

      cli.child.kill("SIGINT");
      const stoppedAt = Date.now();
      const result = await exitWithin(cli, 3000 + 25_000, "stop with the server down");
      expect(Date.now() - stoppedAt, "the drain timeout plus a small bound").toBeLessThan(3000 + 25_000);
      expect(result.stderr).toContain("in-flight work did not finish within 3000 ms");
      expect(result.stderr).not.toContain("again — abandoning");
      expect(result.code).toBe(0);
    } finally {
      cli.child.kill("SIGKILL");
    }
  }, 120_000);
});
