import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "./spawn-cli.js";

// Each case starts the CLI several times (through tsx), and Kafka's JVM; the machine may be loaded.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const hasRedis = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).error === undefined;
const hasJava = spawnSync("java", ["-version"], { stdio: "ignore" }).error === undefined;

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const CONFIG = `import { defineConfig } from "@switchyard/core";
import { kafka } from "@switchyard/adapter-kafka";
import { redis } from "@switchyard/adapter-redis";
export default defineConfig({
  adapters: [kafka(), redis()],
  profiles: {
    local: { streams: { events: "memory://events" } },
    kafka: { streams: { events: "kafka://\${KAFKA_BROKERS}/emulator-events?create=true&partitions=1" } },
    redis: { streams: { events: "redis-stream://\${REDIS_HOST}/emulator-events" } },
  },
});
`;

let app: string;
beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), "switchyard-emulators-"));
  await writeFile(join(app, "switchyard.config.ts"), CONFIG);
});
afterAll(async () => {
  await runCli(["emulators", "down"], app);
  await rm(app, { recursive: true, force: true });
});

/** A port nothing listens on now, with the port after it free too (Kafka's controller takes that one). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const next = createServer();
    const free = await new Promise<boolean>((resolve) => {
      next.once("error", () => resolve(false));
      next.listen(port + 1, "127.0.0.1", () => next.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Longest a CLI call of these cases may take: a hang then fails with what it printed. */
const STEP_MS = 120_000;

/** Reads `export NAME=value` lines into variables. */
function exportsOf(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("switchyard emulators, from an app directory", () => {
  it("refuses an unknown server, naming the ones it has", async () => {
    const result = await runCli(["emulators", "up", "mongo"], app);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown server "mongo" — kafka or redis');
  });

  it("says so when the port is taken, naming the option that moves it", async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, "127.0.0.1");
    try {
      const result = await runCli(["emulators", "up", "redis", "--redis-port", String(port)], app);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(hasRedis ? `port ${port} is taken` : "redis-server is not on PATH");
    } finally {
      blocker.close();
    }
  });

  // Skipped where redis-server is not installed (the redis harness service installs it with apt).
  it.skipIf(!hasRedis)(
    "starts redis with the variable the config reads, feeds it through produce, and stops it",
    async () => {
      const port = await freePort();
      const started = await runCli(["emulators", "up", "redis", "--redis-port", String(port)], app);
      expect(started.code, started.stderr).toBe(0);
      const env = exportsOf(started.stdout);
      expect(env).toEqual({ REDIS_HOST: `127.0.0.1:${port}` });

      const status = await runCli(["emulators", "status"], app);
      expect(status.stdout).toMatch(new RegExp(`^redis\\tup\\t127\\.0\\.0\\.1:${port}`, "m"));
      expect((await runCli(["emulators", "env"], app)).stdout).toContain(
        `export REDIS_HOST=127.0.0.1:${port}`,
      );

      const produced = await runCli(
        ["produce", "events", "-", "-p", "redis"],
        app,
        env,
        '{"n":1}\n{"n":2}\n',
      );
      expect(produced.code, produced.stderr).toBe(0);
      const tailed = await runCli(["tail", "events", "-p", "redis"], app, env);
      expect(tailed.stdout).toBe('{"n":1}\n{"n":2}\n');

      expect((await runCli(["emulators", "down", "redis"], app)).stderr).toContain("redis: stopped");
      expect((await runCli(["emulators", "status"], app)).stdout).toBe("no emulators running\n");
    },
  );

  // Skipped without Java, which Kafka needs before any port is looked at.
  it.skipIf(!hasJava)("says so when the port after Kafka's, its controller's, is taken", async () => {
    const port = await freePortPair();
    const blocker = createServer().listen(port + 1, "127.0.0.1");
    try {
      const result = await runCli(
        ["emulators", "up", "kafka", "--kafka-port", String(port)],
        app,
        {},
        undefined,
        STEP_MS,
      );
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(`port ${port + 1} (its controller's, the port after ${port}) is taken`);
    } finally {
      blocker.close();
    }
  });

  // Skipped without Java; Kafka's jars come from Maven Central on the first start.
  it.skipIf(!hasJava)("starts Kafka with KAFKA_BROKERS, and a produce and tail go through it", async () => {
    const port = await freePortPair();
    const started = await runCli(
      ["emulators", "up", "kafka", "--kafka-port", String(port)],
      app,
      {},
      undefined,
      STEP_MS,
    );
    expect(started.code, started.stderr).toBe(0);
    const env = exportsOf(started.stdout);
    expect(env).toEqual({ KAFKA_BROKERS: `127.0.0.1:${port}` });
    const produced = await runCli(["produce", "events", "-", "-p", "kafka"], app, env, '{"n":1}\n', STEP_MS);
    expect(produced.code, produced.stderr).toBe(0);
    const tailed = await runCli(["tail", "events", "-p", "kafka"], app, env, undefined, STEP_MS);
    expect(tailed.stdout, tailed.stderr).toBe('{"n":1}\n');
    await runCli(["emulators", "down", "kafka"], app, {}, undefined, STEP_MS);
  });
});
