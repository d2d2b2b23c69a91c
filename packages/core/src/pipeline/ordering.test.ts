import { afterEach, describe, expect, it } from "vitest";
import { json } from "../codec/json.js";
import type { StreamDriver } from "../driver/index.js";
import { SwitchyardError } from "../errors.js";
import { memoryStream } from "../embedded/memory-stream.js";
import { resetMemoryStreams } from "../embedded/memory-log.js";
import { Stream } from "../resources/stream.js";
import { pipeline } from "./builder.js";
import { run } from "./run.js";
import type { ResourceSource } from "./resources.js";

interface Rec {
  key: string | undefined;
  n: number;
}

function streams(): Record<string, StreamDriver> {
  return {
    in: memoryStream("in", { partitions: 1 }),
    out: memoryStream("out", { partitions: 1 }),
    "dead-letters": memoryStream("dlq"),
  };
}

function source(drivers: Record<string, StreamDriver>): ResourceSource {
  return {
    open: async (kind, name) => {
      const d = kind === "stream" ? drivers[name] : undefined;
      if (d === undefined) throw new SwitchyardError("NotFound", `${kind} "${name}" is not in the profile`);
      return d as never;
    },
    names: (kind) => (kind === "stream" ? Object.keys(drivers) : []),
  };
}

async function publish(driver: StreamDriver, recs: Rec[]): Promise<void> {
  await new Stream<Rec>(driver, { name: "in", codec: json() }).publish(
    recs.map((value) => (value.key === undefined ? { value } : { key: value.key, value })),
  );
}

async function readAll(driver: StreamDriver): Promise<Rec[]> {
  const sub = await new Stream<Rec>(driver, { name: "read", codec: json() }).subscribe({
    group: `reader-${Math.random()}`,
  });
  const out: Rec[] = [];
  for (;;) {
    const batch = await sub.receive(AbortSignal.timeout(200));
    if (batch === undefined) break;
    for (const r of batch.records) out.push(r.value);
  }
  await sub.close();
  return out;
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not reached in time`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** `in → map (throws while `fails(rec)` says so) → out`. */
function flaky(fails: (rec: Rec) => boolean, maxAttempts = 5) {
  return pipeline("ordering")
    .from<Rec>("in")
    .map((rec) => {
      if (fails(rec)) throw new Error(`step failed on ${rec.key}#${rec.n}`);
      return rec;
    })
    .to("out")
    .configure({ retry: { maxAttempts, initialDelayMs: 1, maxDelayMs: 5 }, commitIntervalMs: 20 });
}

/** Fails the first `times` attempts of each record `pick` selects. */
function failing(pick: (rec: Rec) => boolean, times = 1): (rec: Rec) => boolean {
  const tries = new Map<string, number>();
  return (rec) => {
    if (!pick(rec)) return false;
    const id = `${rec.key}#${rec.n}`;
    const n = (tries.get(id) ?? 0) + 1;
    tries.set(id, n);
    return n <= times;
  };
}

describe("per-key order under step retries", () => {
  afterEach(() => resetMemoryStreams());

  it("writes a retried record before the later records of its key", async () => {
    const drivers = streams();
    await publish(
      drivers.in!,
      [0, 1, 2].map((n) => ({ key: "k", n })),
    );
    const r = run(flaky(failing((rec) => rec.n === 0)), { resolver: source(drivers), warn: () => undefined });
    await until(() => r.stats().processed === 3, "3 records done");
    await r.stop();
    expect((await readAll(drivers.out!)).map((rec) => rec.n)).toEqual([0, 1, 2]);
  });

  it("holds back the later records of a partition when records have no key", async () => {
    const drivers = streams();
    await publish(
      drivers.in!,
      [0, 1, 2, 3].map((n) => ({ key: undefined, n })),
    );
    const r = run(flaky(failing((rec) => rec.n === 1, 2)), {
      resolver: source(drivers),
      warn: () => undefined,
    });
    await until(() => r.stats().processed === 4, "4 records done");
    await r.stop();
    expect((await readAll(drivers.out!)).map((rec) => rec.n)).toEqual([0, 1, 2, 3]);
  });

  it("lets other keys go on while a record of one key is retried", async () => {
    const drivers = streams();
    await publish(drivers.in!, [
      { key: "a", n: 0 },
      { key: "b", n: 1 },
      { key: "a", n: 2 },
      { key: "b", n: 3 },
    ]);
    let healed = false;
    const r = run(
      flaky((rec) => rec.key === "a" && rec.n === 0 && !healed, 10_000),
      {
        resolver: source(drivers),
      },
    );
    await until(() => r.stats().processed === 2, "key b done while a#0 is retried");
    expect((await readAll(drivers.out!)).map((rec) => `${rec.key}#${rec.n}`)).toEqual(["b#1", "b#3"]);
    healed = true;
    await until(() => r.stats().processed === 4, "every record done once a#0 succeeds");
    await r.stop();
    expect((await readAll(drivers.out!)).map((rec) => `${rec.key}#${rec.n}`)).toEqual([
      "b#1",
      "b#3",
      "a#0",
      "a#2",
    ]);
  });

  it("releases a key when its retried record is dead-lettered", async () => {
    const drivers = streams();
    await publish(
      drivers.in!,
      [0, 1, 2].map((n) => ({ key: "k", n })),
    );
    const r = run(
      flaky(
        failing((rec) => rec.n === 0, 100),
        3,
      ),
      {
        resolver: source(drivers),
        warn: () => undefined,
      },
    );
    await until(() => r.stats().processed === 3, "3 records done");
    const summary = await r.stop();
    expect(summary.deadLetters).toBe(1);
    expect((await readAll(drivers.out!)).map((rec) => rec.n)).toEqual([1, 2]);
    expect((await readAll(drivers["dead-letters"]!)).map((rec) => rec.n)).toEqual([0]);
  });

  it("keeps a key's order when an earlier record fails at a later step than a later one", async () => {
    const drivers = streams();
    await publish(
      drivers.in!,
      [0, 1, 2].map((n) => ({ key: "k", n })),
    );
    const first = failing((rec) => rec.n === 1);
    const second = failing((rec) => rec.n === 0, 2);
    const twoSteps = pipeline("ordering")
      .from<Rec>("in")
      .map((rec) => {
        if (first(rec)) throw new Error("first step");
        return rec;
      })
      .map((rec) => {
        if (second(rec)) throw new Error("second step");
        return rec;
      })
      .to("out")
      .configure({ retry: { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 5 } });
    const r = run(twoSteps, { resolver: source(drivers), warn: () => undefined });
    await until(() => r.stats().processed === 3, "3 records done");
    await r.stop();
    expect((await readAll(drivers.out!)).map((rec) => rec.n)).toEqual([0, 1, 2]);
  });
});
