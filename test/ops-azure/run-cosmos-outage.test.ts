/**
 * `switchyard run` of a small pipeline with Cosmos DB state, tried the way a
 * user meets it: the CLI in a child process, its records from an in-process
 * stream, its state on a cosmosdb-server that is not there at startup, or
 * that is killed mid-run.
 */
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCli, waitForOutput } from "../../packages/cli/src/spawn-cli.js";
import type { CliProcess, CliResult } from "../../packages/cli/src/spawn-cli.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort } from "../harness/ports.js";
import type { ServiceProcess } from "../harness/processes.js";
import { describeService } from "../harness/suite.js";
import { launchCosmos } from "../services/cosmos.js";

const KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

let dir: string;

/** A config seeding `count` records into `memory://tx`, with its state on Cosmos DB at `port`. */
function config(count: number, port: number): string {
  return `import { defineConfig, embedded } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";
import { azure } from "@switchyard/adapter-azure";

const memory = embedded().schemes.find((s) => s.kind === "stream" && s.scheme === "memory")!;
const tx = (await memory.create(new URL("memory://tx?partitions=2"), { name: "seed", baseDir: "." })) as StreamDriver;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
for (let first = 0; first < ${count}; first += 5000) {
  const ids = Array.from({ length: Math.min(5000, ${count} - first) }, (_, i) => first + i);
  await tx.send(ids.map((id) => ({ key: String(id), value: encode({ id }), headers: {}, timestamp: Date.now() })), AbortSignal.timeout(5000));
}

export default defineConfig({
  adapters: [azure({ cosmos: { connectionString: "AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${KEY};" } })],
  profiles: {
    local: {
      streams: { transactions: "memory://tx?partitions=2", "dead-letters": "memory://dlq" },
      state: { seen: "cosmos://outage/outage/seen?create=true" },
    },
  },
});
`;
}

/** Each record waits 1 ms (as a model call would), then is stored under its id. */
const PIPELINE = `import { pipeline } from "@switchyard/core";

export default pipeline("outage")
  .from<{ id: number }>("transactions")
  .enrich(async (batch: { id: number }[]) => {
    await new Promise((resolve) => setTimeout(resolve, batch.length));
    return batch;
  })
  .configure({ batchSize: 50 })
  .store("seen", { key: (r) => String(r.id), value: (r) => r.id });
`;

async function setUp(count: number, port: number): Promise<void> {
  await writeFile(join(dir, "switchyard.config.mts"), config(count, port));
  await writeFile(join(dir, "outage.ts"), PIPELINE);
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

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-cosmos-outage-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("switchyard run with Cosmos DB state that is not there at startup", () => {
  it("fails fast with one line naming the resource and exit code 3", async () => {
    const port = await freePort();
    await setUp(100, port);
    const cli = startCli(["run", "outage.ts", "--startup-timeout", "15000"], dir);
    await waitForOutput(cli, ({ stderr }) => stderr.includes('outage: running on profile "local"'));
    const startedAt = Date.now();
    const result = await exitWithin(cli, 15_000 + 20_000, "cosmos down at start");
    expect(Date.now() - startedAt, "the startup timeout plus a small bound").toBeLessThan(15_000 + 20_000);
    expect(result.code).toBe(3);
    expect(result.stderr, "no stack trace").not.toMatch(/^\s+at |Node\.js v\d+/m);
    const last = result.stderr.trim().split("\n").at(-1) ?? "";
    expect(last).toMatch(/^switchyard run: Unavailable: state "seen" \(cosmos:\/\/outage\/outage\/seen/);
    expect(last).toContain(`127.0.0.1:${port}`);
    expect(last).toMatch(/check the endpoint/);
  }, 120_000);
});

// Uses a server of its own, which it kills; the harness's shared server only tells whether cosmosdb-server can run here.
describeService("cosmos", "switchyard run when its cosmosdb-server dies mid-run", () => {
  let port = 0;
  let runDir: string | undefined;
  let server: ServiceProcess | undefined;

  beforeAll(async () => {
    port = await freePort();
    runDir = makeRunDir("cosmos-outage");
    server = await launchCosmos(port, runDir);
  }, 60_000);

  afterAll(async () => {
    await server?.stop(2000);
    if (runDir !== undefined) rmSync(runDir, { recursive: true, force: true });
  });

  it("warns within seconds naming the store, and stops on one SIGINT within the drain timeout", async () => {
    await setUp(50_000, port);
    const cli = startCli(["run", "outage.ts", "--drain-timeout", "3000"], dir);
    try {
      await waitForOutput(cli, ({ stderr }) => /outage {2}[1-9][\d,]* done/.test(stderr));
      await server!.stop(0);
      const killedAt = Date.now();
      await waitForOutput(cli, ({ stderr }) =>
        /store:seen#\d+: (Unavailable|DeadlineExceeded): [^\n]*state store "seen"[^\n]*retrying/.test(stderr),
      );
      expect(Date.now() - killedAt, "the outage shows within seconds").toBeLessThan(15_000);

      cli.child.kill("SIGINT");
      const stoppedAt = Date.now();
      const result = await exitWithin(cli, 3000 + 25_000, "stop with cosmosdb-server down");
      expect(Date.now() - stoppedAt, "the drain timeout plus a small bound").toBeLessThan(3000 + 25_000);
      expect(result.stderr).not.toContain("again — abandoning");
      expect(result.code).toBe(0);
    } finally {
      cli.child.kill("SIGKILL");
    }
  }, 180_000);
});
