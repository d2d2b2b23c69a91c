import { afterEach, describe, expect, it } from "vitest";
import { json } from "../codec/json.js";
import { SwitchyardError } from "../errors.js";
import { memoryStream } from "../embedded/memory-stream.js";
import { resetMemoryStreams } from "../embedded/memory-log.js";
import { Stream } from "../resources/stream.js";
import { pipeline } from "./builder.js";
import type { ResourceSource } from "./resources.js";
import { run } from "./run.js";

afterEach(() => resetMemoryStreams());

/** A profile of two memory streams, `tx` holding `count` records, and their dead letters. */
async function profile(count: number): Promise<ResourceSource> {
  const streams = { tx: memoryStream("outage-tx"), "dead-letters": memoryStream("outage-dlq") };
  await new Stream<{ id: number }>(streams.tx, { name: "tx", codec: json() }).publish(
    Array.from({ length: count }, (_, id) => ({ key: String(id), value: { id } })),
  );
  return {
    open: async (kind, name) => {
      const driver = kind === "stream" ? streams[name as keyof typeof streams] : undefined;
      if (driver === undefined) throw new SwitchyardError("InvalidArgument", `${kind} "${name}" is not here`);
      return driver as never;
    },
    names: (kind) => (kind === "stream" ? Object.keys(streams) : []),
  };
}

/** Runs one record through a step that fails with each of `failures` in turn, then passes; resolves with the summary once it is settled. */
async function runThrough(failures: SwitchyardError[]) {
  const count = 1;
  let call = 0;
  const warnings: string[] = [];
  const p = pipeline("outage")
    .from<{ id: number }>("tx")
    .enrich(async (batch: { id: number }[]) => {
      const failure = failures[call++];
      if (failure !== undefined) throw failure;
      return batch;
    })
    .configure({ retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 } });
  const running = run(p, { resolver: await profile(count), warn: (m) => warnings.push(m) });
  const deadline = Date.now() + 15_000;
  while (running.stats().processed < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return { summary: await running.stop(), warnings };
}

describe("a step whose resource is away", () => {
  it("waits for it however long it takes, dead-lettering nothing", async () => {
    const away = new SwitchyardError("Unavailable", 'model "fraud": circuit open');
    const { summary, warnings } = await runThrough(Array.from({ length: 8 }, () => away));
    expect(summary.processed).toBe(1);
    expect(summary.deadLetters).toBe(0);
    expect(warnings[0]).toMatch(
      /^enrich#0: Unavailable: model "fraud": circuit open — retrying until it answers/,
    );
  });

  it("still gives the record all its attempts when it then fails for a reason of its own", async () => {
    const away = new SwitchyardError("ResourceExhausted", "throttled");
    const own = new SwitchyardError("Unknown", "bad record");
    const { summary } = await runThrough([away, away, away, away, own, own]);
    expect(summary.processed).toBe(1);
    expect(summary.deadLetters, "two failures of its own are within maxAttempts 3").toBe(0);
  });

  it("dead-letters a record whose own failures exhaust its attempts", async () => {
    const own = new SwitchyardError("Unknown", "bad record");
    const { summary } = await runThrough([own, own, own]);
    expect(summary.deadLetters).toBe(1);
  });
});
