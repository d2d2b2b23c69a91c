/**
 * A kinesalite of the fault test's own that keeps its streams on disk
 * (`path`, LevelDB), so it can be killed and started again on the same port
 * and data, as a Kinesis endpoint that went away and came back.
 */
import { join } from "node:path";
import { spawnService, type ServiceProcess } from "../harness/processes.js";
import { waitUntil } from "../harness/ports.js";
import { answersHttp, packageEntry } from "../services/aws/node-emulator.js";

/**
 * Starts kinesalite on 127.0.0.1:`port` with its data in `dir` and resolves
 * once it answers. Fails naming the fix when kinesalite or its optional
 * LevelDB binding (leveldown, needed for `path`) is not installed.
 */
export async function launchKinesalite(port: number, dir: string): Promise<ServiceProcess> {
  const entry = packageEntry("kinesalite");
  if (entry === undefined)
    throw new Error("kinesalite is not installed — run npm install at the repository root");
  const options = { path: join(dir, "data"), createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50 };
  const script = `require(${JSON.stringify(entry)})(${JSON.stringify(options)}).listen(${port}, "127.0.0.1")`;
  const server = spawnService(process.execPath, ["-e", script], {
    logFile: join(dir, "kinesalite.log"),
    cwd: dir,
  });
  try {
    await waitUntil(() => answersHttp(port), {
      what: `kinesalite on port ${port}`,
      timeoutMs: 20_000,
      failFast: () => (server.running() ? undefined : `exited early:\n${server.logTail()}`),
    });
  } catch (err) {
    await server.stop(1000);
    throw err;
  }
  return server;
}
