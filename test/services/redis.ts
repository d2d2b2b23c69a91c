/**
 * Redis for tests: redis-server from Debian's `redis-server` package (7.0 on
 * bookworm), started on 127.0.0.1 with a free port, no persistence and its data
 * in a run directory; or the `redis:7.0` image with Docker. Never a system redis.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { aptInstall, findExecutable, runCommand } from "../harness/apt.js";
import { makeRunDir } from "../harness/paths.js";
import { freePort, probeTcp, waitUntil } from "../harness/ports.js";
import { spawnService } from "../harness/processes.js";
import type { ServiceProcess } from "../harness/processes.js";
import type { RunningService, ServiceDefinition, Unavailable } from "../harness/service.js";

/** The variable tests read: `redis://127.0.0.1:<port>`. */
export const REDIS_URL_ENV = "SWITCHYARD_REDIS_URL";

/** The redis-server binary: `SWITCHYARD_REDIS_SERVER`, else the one on PATH. */
function serverPath(): string | undefined {
  return process.env.SWITCHYARD_REDIS_SERVER ?? findExecutable("redis-server");
}

/** Whether a redis-server on `port` answers PING. */
export function redisAnswers(port: number): Promise<boolean> {
  return probeTcp(port, { request: "PING\r\n", expect: "+PONG" });
}

async function install(): Promise<Unavailable | undefined> {
  const configured = process.env.SWITCHYARD_REDIS_SERVER;
  if (configured !== undefined) {
    const usable = await runCommand(configured, ["--version"]);
    return usable.code === 0 ? undefined : { reason: `SWITCHYARD_REDIS_SERVER=${configured} does not run` };
  }
  if (serverPath() !== undefined) return undefined;
  const systemRedisBefore = await redisAnswers(6379);
  const failed = await aptInstall(["redis-server"]);
  if (failed !== undefined) return { reason: `redis-server not installed and ${failed.reason}` };
  // On hosts with an init system the package starts a system redis; tests never use it, so stop it.
  if (!systemRedisBefore && (await redisAnswers(6379))) {
    await runCommand("service", ["redis-server", "stop"]);
  }
  return serverPath() === undefined ? { reason: "redis-server still not on PATH after apt-get" } : undefined;
}

/**
 * Starts redis-server on 127.0.0.1:`port` with its files in `dir` and waits
 * until it answers PING. It runs without persistence unless `args` (appended
 * to the defaults, so they win) say otherwise, e.g. `["--appendonly", "yes"]`.
 * Launched again on the same port and directory, it reloads what it persisted.
 */
export async function launchRedis(
  port: number,
  dir: string,
  args: readonly string[] = [],
): Promise<ServiceProcess> {
  const binary = serverPath();
  if (binary === undefined) throw new Error("redis-server not installed");
  const defaults = ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"];
  const server = spawnService(binary, [...defaults, "--dir", dir, ...args], {
    logFile: join(dir, "redis.log"),
    cwd: dir,
  });
  try {
    await waitUntil(() => redisAnswers(port), {
      what: `redis-server on port ${port}`,
      timeoutMs: 60_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function startLocal(): Promise<RunningService> {
  if (serverPath() === undefined) throw new Error("redis-server not installed");
  const port = await freePort();
  const dir = makeRunDir("redis");
  let server: ServiceProcess;
  try {
    server = await launchRedis(port, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { env: { [REDIS_URL_ENV]: `redis://127.0.0.1:${port}` }, stop };
}

async function startDocker(): Promise<RunningService> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer("redis:7.0")
    .withExposedPorts(6379)
    .withCommand(["redis-server", "--save", "", "--appendonly", "no"])
    .withWaitStrategy(Wait.forLogMessage("Ready to accept connections"))
    .start();
  const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
  return {
    env: { [REDIS_URL_ENV]: url },
    stop: async () => {
      await container.stop();
    },
  };
}

/** The Redis service definition. */
export const redis: ServiceDefinition = { name: "redis", install, startLocal, startDocker };
