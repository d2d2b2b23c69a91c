/**
 * Node emulators of AWS services installed as the repository's own npm
 * devDependencies (kinesalite, dynalite), started on 127.0.0.1 with a free
 * port and in-memory storage.
 */
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { makeRunDir } from "../../harness/paths.js";
import { freePort, waitUntil } from "../../harness/ports.js";
import { spawnService } from "../../harness/processes.js";
import type { RunningService, Unavailable } from "../../harness/service.js";

const require = createRequire(import.meta.url);

/** The entry module of npm package `name`, or undefined when it is not installed. */
export function packageEntry(name: string): string | undefined {
  try {
    return require.resolve(name);
  } catch {
    return undefined;
  }
}

/** Unavailable unless npm package `name` (a root devDependency) is installed. */
export function requirePackage(name: string): Unavailable | undefined {
  const entry = packageEntry(name);
  return entry !== undefined && existsSync(entry)
    ? undefined
    : { reason: `npm package ${name} is not installed — run npm install at the repository root` };
}

/** Whether an AWS JSON endpoint on `port` answers HTTP at all (any status). */
export async function answersHttp(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { method: "POST", signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `package`'s server on 127.0.0.1 through its Node API (`require(pkg)(options).listen`),
 * so it listens on loopback only, and returns `{ [envName]: http://127.0.0.1:<port> }`.
 */
export async function startNodeEmulator(
  pkg: string,
  envName: string,
  options: Record<string, number>,
): Promise<RunningService> {
  const entry = packageEntry(pkg);
  if (entry === undefined) throw new Error(`${pkg} not installed`);
  const port = await freePort();
  const dir = makeRunDir(pkg);
  const script = `require(${JSON.stringify(entry)})(${JSON.stringify(options)}).listen(${port}, "127.0.0.1")`;
  const server = spawnService(process.execPath, ["-e", script], {
    logFile: join(dir, `${pkg}.log`),
    cwd: dir,
  });
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => answersHttp(port), {
      what: `${pkg} on port ${port}`,
      timeoutMs: 90_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { env: { [envName]: `http://127.0.0.1:${port}` }, stop };
}

/**
 * Credentials and region for the emulators, which accept any: set only where
 * the environment has none, so a developer's own settings are left alone.
 */
export function useEmulatorCredentials(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_ACCESS_KEY_ID ??= "switchyard-test";
  env.AWS_SECRET_ACCESS_KEY ??= "switchyard-test";
  env.AWS_REGION ??= "us-east-1";
}
