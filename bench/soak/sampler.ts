/**
 * The soak's sampler, preloaded into the `switchyard run` process under test
 * (`node --import bench/soak/sampler.ts …`): every `SOAK_INTERVAL_MS` it
 * appends one JSON line to `SOAK_SAMPLES_FILE` with the process's own memory,
 * event-loop delay, active resources and open sockets. It measures from inside
 * because handles and event-loop delay cannot be seen from another process.
 */
import { appendFileSync, readdirSync, readlinkSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

/** One sample of the process under test. */
export interface ProcessSample {
  /** Wall-clock time, ms since the epoch. */
  t: number;
  /** Resident set size, bytes. */
  rss: number;
  /** V8 heap in use, bytes (garbage not yet collected included). */
  heapUsed: number;
  /** V8 heap reserved, bytes. */
  heapTotal: number;
  /** Memory of C++ objects bound to JS objects (buffers included), bytes. */
  external: number;
  /** Event-loop delay over the interval: median, 99th percentile and maximum, ms. */
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  /** `process.getActiveResourcesInfo().length`: handles and requests keeping the loop alive, timers included. */
  handles: number;
  /** The same, by resource type (`TCPSocketWrap`, `Timeout`, `FSReqCallback` …). */
  handleTypes: Record<string, number>;
  /** File descriptors of this process that are sockets (from /proc/self/fd). */
  sockets: number;
}

/** Open sockets of this process, counted from /proc/self/fd; -1 where /proc is absent. */
function openSockets(): number {
  try {
    let count = 0;
    for (const fd of readdirSync("/proc/self/fd")) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")) count++;
      } catch {
        // The descriptor closed between listing and reading it.
      }
    }
    return count;
  } catch {
    return -1;
  }
}

/** Takes one sample and resets the event-loop delay histogram for the next interval. */
function sample(delay: ReturnType<typeof monitorEventLoopDelay>): ProcessSample {
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const handleTypes: Record<string, number> = {};
  for (const type of resources) handleTypes[type] = (handleTypes[type] ?? 0) + 1;
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const result: ProcessSample = {
    t: Date.now(),
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    eldP50Ms: ms(delay.percentile(50)),
    eldP99Ms: ms(delay.percentile(99)),
    eldMaxMs: ms(delay.max),
    handles: resources.length,
    handleTypes,
    sockets: openSockets(),
  };
  delay.reset();
  return result;
}

const file = process.env.SOAK_SAMPLES_FILE;
if (file !== undefined && file !== "") {
  const interval = Number(process.env.SOAK_INTERVAL_MS ?? "10000");
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // Unref'd, so the sampler never keeps the process alive (nor counts among its active resources).
  setInterval(() => appendFileSync(file, `${JSON.stringify(sample(delay))}\n`), interval).unref();
}
