/**
 * A pipeline run under a flood, meant to run in a child process with a small
 * heap (`node --max-old-space-size=… --import tsx test/fault/flood-run.ts <kind>`):
 * `large` fills a memory:// source with 1 MiB JSON records, `small` with a burst
 * of small ones; a slow step makes the source run ahead of the work, so only
 * the prefetch bounds keep the decoded records from filling the heap. Prints
 * one JSON line `{"processed":…,"peakHeapMiB":…}` and exits 0 when every record
 * was written.
 */
import {
  ResourceResolver,
  Stream,
  defineConfig,
  json,
  pipeline,
  run,
} from "../../packages/core/src/index.js";

interface Flood {
  count: number;
  padBytes: number;
  workMsPerBatch: number;
}

const FLOODS: Record<string, Flood> = {
  large: { count: 160, padBytes: 1024 * 1024 - 64, workMsPerBatch: 20 },
  small: { count: 200_000, padBytes: 64, workMsPerBatch: 1 },
};

interface Padded {
  id: number;
  pad: string;
}

async function main(kind: string): Promise<void> {
  const flood = FLOODS[kind];
  if (flood === undefined) throw new Error(`usage: flood-run.ts ${Object.keys(FLOODS).join("|")}`);
  const config = defineConfig({
    profiles: {
      local: {
        streams: { in: "memory://flood-in", out: "memory://flood-out", "dead-letters": "memory://flood-dlq" },
      },
    },
  });
  const resolver = new ResourceResolver(config, "local");
  const source = new Stream<Padded>(await resolver.open("stream", "in"), { name: "in", codec: json() });
  const pad = "x".repeat(flood.padBytes);
  for (let first = 0; first < flood.count; first += 1000) {
    const ids = Array.from({ length: Math.min(1000, flood.count - first) }, (_, i) => first + i);
    await source.publish(ids.map((id) => ({ key: String(id % 8), value: { id, pad } })));
  }
  let peak = 0;
  const sampling = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const flooded = pipeline("flood")
    .from<Padded>("in", { codec: json() })
    .enrich(async (batch: Padded[]) => {
      await new Promise((resolve) => setTimeout(resolve, flood.workMsPerBatch));
      return batch.map((record) => ({ id: record.id }));
    })
    .to("out", { codec: json() });
  const running = run(flooded, { resolver, warn: (message) => process.stderr.write(`${message}\n`) });
  while (running.stats().processed + running.stats().deadLetters < flood.count) {
    await Promise.race([running.done, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
  const summary = await running.stop();
  clearInterval(sampling);
  await resolver.close();
  console.log(
    JSON.stringify({
      processed: summary.processed,
      deadLetters: summary.deadLetters,
      peakHeapMiB: Math.round(peak / 2 ** 20),
    }),
  );
}

await main(process.argv[2] ?? "");
