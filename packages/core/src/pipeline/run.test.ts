import events from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { json } from "../codec/json.js";
import type {
  DriverByKind,
  ModelDriver,
  Point,
  ResourceKind,
  StreamDriver,
  TimeSeriesDriver,
} from "../driver/index.js";
import { SwitchyardError } from "../errors.js";
import { memoryStream } from "../embedded/memory-stream.js";
import { resetMemoryStreams } from "../embedded/memory-log.js";
import { memoryStateStore, resetMemoryStateStores } from "../embedded/memory-state.js";
import { StateStore } from "../resources/state-store.js";
import { Stream } from "../resources/stream.js";
import { pipeline } from "./builder.js";
import { run } from "./run.js";
import type { ResourceSource } from "./resources.js";

interface Tx {
  id: number;
  amount: number;
}

/** A model driver that scores amount / 1000 (a stand-in for a real model; the model endpoint is not under test here). */
function amountModel(): ModelDriver {
  return {
    capabilities: { maxBatch: 512 },
    predict: async (inputs) => inputs.map((x) => (x as number) / 1000),
    errorCode: () => "Unknown",
    as: () => undefined,
    close: async () => undefined,
  };
}

/** A time-series driver that keeps points and fails the first `failures` writes with Unavailable. */
function pointsSink(failures = 0): TimeSeriesDriver & { points: Point[]; calls: number } {
  const sink = {
    points: [] as Point[],
    calls: 0,
    capabilities: { maxBatch: 10_000 },
    write: async (points: Point[]) => {
      sink.calls++;
      if (sink.calls <= failures) throw new SwitchyardError("Unavailable", "sink down");
      sink.points.push(...points);
    },
    errorCode: () => "Unavailable" as const,
    as: () => undefined,
    close: async () => undefined,
  };
  return sink;
}

function source(drivers: { [K in ResourceKind]?: Record<string, DriverByKind[K]> }): ResourceSource {
  return {
    open: async (kind, name) => {
      const d = (drivers[kind] as Record<string, unknown> | undefined)?.[name];
      if (d === undefined)
        throw new SwitchyardError("InvalidArgument", `${kind} "${name}" is not in the profile`);
      return d as never;
    },
    names: (kind) => Object.keys(drivers[kind] ?? {}),
  };
}

async function publish(driver: StreamDriver, txs: Tx[]): Promise<void> {
  await new Stream<Tx>(driver, { name: "tx", codec: json() }).publish(
    txs.map((tx) => ({ key: String(tx.id % 7), value: tx })),
  );
}

async function readAll(
  driver: StreamDriver,
): Promise<{ value: Uint8Array; headers: Record<string, string> }[]> {
  const sub = await new Stream<Uint8Array>(driver, {
    name: "read",
    codec: { name: "raw", contentType: "", encode: (v) => v, decode: (v) => v },
  }).subscribe({ group: `reader-${Math.random()}` });
  const out: { value: Uint8Array; headers: Record<string, string> }[] = [];
  for (;;) {
    const batch = await sub.receive(AbortSignal.timeout(200));
    if (batch === undefined) break;
    for (const r of batch.records) out.push({ value: r.value, headers: r.headers });
  }
  await sub.close();
  return out;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const fraud = pipeline("test-fraud")
  .from<Tx>("tx", { codec: json(), group: "scorer" })
  .map((tx) => {
    if (tx.amount < 0) throw new Error(`negative amount in ${tx.id}`);
    return tx;
  })
  .infer("model", {
    input: (tx) => tx.amount,
    output: (tx, score: number) => ({ ...tx, score }),
  })
  .to("alerts", { when: (tx) => tx.score > 0.9 })
  .record("scores", (tx) => ({ fields: { score: tx.score }, tags: { id: String(tx.id) } }))
  .configure({ retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 }, commitIntervalMs: 20 });

describe("run", () => {
  afterEach(() => {
    resetMemoryStreams();
    resetMemoryStateStores();
  });

  function setup(sink = pointsSink()) {
    const drivers = {
      stream: {
        tx: memoryStream("tx", { partitions: 3 }),
        alerts: memoryStream("alerts"),
        "dead-letters": memoryStream("dlq"),
      },
      model: { model: amountModel() },
      timeseries: { scores: sink },
    };
    return { drivers, resolver: source(drivers), sink };
  }

  it("keeps Node's listener-leak warning away when many partitions write at once", async () => {
    // Every sink write waits on the run's hard-stop signal; one listener each would pass Node's limit of 10.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = pointsSink();
    const write = slow.write.bind(slow);
    slow.write = async (points, signal) => {
      await gate;
      await write(points, signal);
    };
    const drivers = {
      stream: {
        tx: memoryStream("tx-wide", { partitions: 16 }),
        alerts: memoryStream("alerts"),
        "dead-letters": memoryStream("dlq"),
      },
      model: { model: amountModel() },
      timeseries: { scores: slow },
    };
    // A key per record, so every partition gets some.
    await new Stream<Tx>(drivers.stream.tx, { name: "tx", codec: json() }).publish(
      Array.from({ length: 320 }, (_, i) => ({ key: `k${i}`, value: { id: i, amount: i } })),
    );
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    // Node's own default, whatever the test runner set.
    const limit = events.defaultMaxListeners;
    events.defaultMaxListeners = 10;
    try {
      const r = run(fraud, { resolver: source(drivers) });
      await r.ready;
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      await until(() => r.stats().processed === 320);
      await r.stop();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
      events.defaultMaxListeners = limit;
    }
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  });

  it("scores every record, writes alerts and points, and commits", async () => {
    const { drivers, resolver, sink } = setup();
    const txs = Array.from({ length: 500 }, (_, i) => ({ id: i, amount: i * 2 }));
    await publish(drivers.stream.tx, txs);
    const r = run(fraud, { resolver });
    await r.ready;
    await until(() => r.stats().processed === 500);
    const summary = await r.stop();
    expect(summary.processed).toBe(500);
    expect(summary.deadLetters).toBe(0);
    expect(sink.points).toHaveLength(500);
    const alerts = (await readAll(drivers.stream.alerts)).map(
      (a) => JSON.parse(Buffer.from(a.value).toString()) as Tx,
    );
    expect(alerts.map((a) => a.id).sort((a, b) => a - b)).toEqual(
      txs.filter((t) => t.amount > 900).map((t) => t.id),
    );

    // A second run of the same group finds nothing left: every position was committed.
    const again = run(fraud, { resolver });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await again.stop()).processed).toBe(0);
  });

  it("stores each chosen record's value under its key, with the step's TTL when it has one", async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const drivers = {
      stream: { tx: memoryStream("tx", { partitions: 3 }), "dead-letters": memoryStream("dlq") },
      state: { short: memoryStateStore("run-short", { now }), kept: memoryStateStore("run-kept", { now }) },
    };
    await publish(
      drivers.stream.tx,
      Array.from({ length: 20 }, (_, i) => ({ id: i, amount: i * 10 })),
    );
    const storing = pipeline("storing")
      .from<Tx>("tx", { codec: json(), group: "store" })
      .store("short", { key: (tx) => `tx:${tx.id}`, value: (tx) => tx.amount, ttlMs: 1_000 })
      .store("kept", { key: (tx) => `tx:${tx.id}`, value: (tx) => tx.amount, when: (tx) => tx.id % 2 === 0 });
    const r = run(storing, { resolver: source(drivers) });
    await until(() => r.stats().processed === 20);
    await r.stop();
    const short = new StateStore<number>(drivers.state.short, { name: "short" });
    const kept = new StateStore<number>(drivers.state.kept, { name: "kept" });
    const keys = ["tx:3", "tx:4"];
    expect(await short.getMany(keys)).toEqual([30, 40]);
    expect(await kept.getMany(keys)).toEqual([undefined, 40]);
    clock += 1_000;
    expect(await short.getMany(keys)).toEqual([undefined, undefined]);
    expect(await kept.getMany(keys)).toEqual([undefined, 40]);
  });

  it("sends undecodable records and records whose step keeps failing to the dead-letter stream with their bytes", async () => {
    const { drivers, resolver } = setup();
    await publish(drivers.stream.tx, [
      { id: 1, amount: 10 },
      { id: 2, amount: -5 },
    ]);
    const garbage = new TextEncoder().encode("{not json");
    await drivers.stream.tx.send(
      [{ key: "x", value: garbage, headers: {}, timestamp: Date.now() }],
      new AbortController().signal,
    );
    await publish(drivers.stream.tx, [{ id: 3, amount: 20 }]);
    const r = run(fraud, { resolver });
    await until(() => r.stats().processed === 4);
    const summary = await r.stop();
    expect(summary.deadLetters).toBe(2);
    const dead = await readAll(drivers.stream["dead-letters"]);
    const byStage = Object.fromEntries(dead.map((d) => [d.headers["x-error-stage"], d]));
    expect(Buffer.from(byStage.decode!.value).equals(Buffer.from(garbage))).toBe(true);
    expect(byStage.decode!.headers["x-error-code"]).toBe("InvalidArgument");
    expect(byStage["map#0"]!.headers["x-error-message"]).toContain("negative amount in 2");
    expect(byStage["map#0"]!.headers["x-error-attempts"]).toBe("3");
    expect(JSON.parse(Buffer.from(byStage["map#0"]!.value).toString())).toEqual({ id: 2, amount: -5 });
  });

  it("retries a sink that is briefly unavailable without losing or dead-lettering records", async () => {
    const { drivers, resolver, sink } = setup(pointsSink(2));
    await publish(
      drivers.stream.tx,
      Array.from({ length: 50 }, (_, i) => ({ id: i, amount: 1 })),
    );
    const r = run(fraud, { resolver, warn: () => undefined });
    await until(() => r.stats().processed === 50);
    const summary = await r.stop();
    expect(summary.deadLetters).toBe(0);
    expect(sink.points).toHaveLength(50);
    expect(sink.calls).toBeGreaterThan(2);
  });

  it("finishes in-flight model calls on a graceful stop instead of dead-lettering them", async () => {
    const { drivers } = setup();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: ModelDriver = {
      ...amountModel(),
      predict: async (inputs, signal) => {
        await gate;
        signal.throwIfAborted();
        return inputs.map((x) => (x as number) / 1000);
      },
    };
    const resolver = source({ ...drivers, model: { model: slow } });
    await publish(
      drivers.stream.tx,
      Array.from({ length: 20 }, (_, i) => ({ id: i, amount: 1 })),
    );
    const r = run(fraud.configure({ batchSize: 5 }), { resolver });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = r.stop();
    release();
    const summary = await stopping;
    expect(summary.deadLetters).toBe(0);
    expect(summary.processed).toBeGreaterThan(0);
  });

  it("stops at once, committing nothing, when given a signal that is already aborted", async () => {
    const { drivers, resolver } = setup();
    await publish(drivers.stream.tx, [{ id: 1, amount: 10 }]);
    const summary = await run(fraud, { resolver, signal: AbortSignal.abort() }).done;
    expect(summary.processed).toBe(0);
  });

  it("refuses to start when a resource is missing from the profile, naming it", async () => {
    const { drivers } = setup();
    const resolver = source({ stream: drivers.stream, model: drivers.model });
    const r = run(fraud, { resolver });
    await expect(r.ready).rejects.toThrow(/timeseries "scores"/);
    await expect(r.done).rejects.toThrow(/timeseries "scores"/);
  });

  it("stops with an error when more than maxDeadLetterRatio of recent records is dead-lettered, showing the first dead letter", async () => {
    const { drivers, resolver } = setup();
    await publish(
      drivers.stream.tx,
      Array.from({ length: 300 }, (_, i) => ({ id: i, amount: -1 })),
    );
    const warnings: string[] = [];
    const r = run(fraud, { resolver, maxDeadLetterRatio: 0.5, warn: (m) => warnings.push(m) });
    await expect(r.done).rejects.toThrow(
      /of the last [\d,]+ records \(100%\) went to the dead-letter stream/,
    );
    const shown = warnings.filter((w) => w.startsWith("dead letter: map#0:"));
    expect(shown[0]).toContain("negative amount in");
    expect(shown.length, "rate-limited").toBeLessThan(3);
  });
});

describe("run stopped while its source subscribes", () => {
  afterEach(() => resetMemoryStreams());

  it("ends at once with an empty summary, and closes the subscription once it is made", async () => {
    // A consumer group join that takes long (a broker waiting out a rebalance).
    let joined: () => void = () => undefined;
    let closedAfterJoin = false;
    const inner = memoryStream("tx-slow-join", { partitions: 1 });
    const slow: StreamDriver = {
      capabilities: inner.capabilities,
      send: (records, signal) => inner.send(records, signal),
      openConsumer: async (options) => {
        await new Promise<void>((resolve) => (joined = resolve));
        const consumer = await inner.openConsumer(options);
        const close = consumer.close.bind(consumer);
        consumer.close = async () => {
          closedAfterJoin = true;
          await close();
        };
        return consumer;
      },
      errorCode: (err) => inner.errorCode(err),
      as: (type) => inner.as(type),
      close: () => inner.close(),
    };
    const drivers = {
      stream: { tx: slow, alerts: memoryStream("alerts"), "dead-letters": memoryStream("dlq") },
      model: { model: amountModel() },
      timeseries: { scores: pointsSink() },
    };
    const r = run(fraud, { resolver: source(drivers) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const summary = await Promise.race([
      r.stop(),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000)),
    ]);
    expect(summary?.processed, "the stop ended the run").toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    joined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedAfterJoin).toBe(true);
  });
});
