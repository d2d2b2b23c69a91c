import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DriverByKind, DriverContext, ResourceKind } from "../driver/adapter.js";
import { embedded } from "./adapter.js";
import { resetMemoryStreams } from "./memory-log.js";
import { resetMemoryStateStores } from "./memory-state.js";
import { writeLogisticRegressionOnnx } from "./onnx-fixture.js";

const signal = new AbortController().signal;
let dir: string;

async function open<K extends ResourceKind>(
  kind: K,
  url: string,
  context: Partial<DriverContext> = {},
  adapter = embedded(),
): Promise<DriverByKind[K]> {
  const scheme = new URL(url).protocol.slice(0, -1);
  const handler = adapter.schemes.find((s) => s.kind === kind && s.scheme === scheme);
  if (handler === undefined) throw new Error(`no ${kind} handler for ${scheme}`);
  return (await handler.create(new URL(url), { name: "r", baseDir: dir, ...context })) as DriverByKind[K];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-embedded-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  resetMemoryStreams();
  resetMemoryStateStores();
});

describe("embedded()", () => {
  it("registers every embedded scheme with the parameters it accepts", () => {
    expect(embedded().schemes.map((s) => `${s.kind} ${s.scheme}: ${s.params.join(",")}`)).toEqual([
      "stream memory: partitions,retention",
      "stream file: ",
      "state memory: ",
      "model onnx: output",
      "timeseries memory: ",
      "timeseries file: ",
    ]);
  });

  it("opens memory:// streams by name with their partition count", async () => {
    const producer = await open("stream", "memory://orders?partitions=3");
    const results = await producer.send(
      [0, 1, 2].map(() => ({ key: undefined, value: new Uint8Array([1]), headers: {}, timestamp: 0 })),
      signal,
    );
    expect(results.map((r) => r.partition)).toEqual(["0", "1", "2"]);
    const consumer = await (
      await open("stream", "memory://orders")
    ).openConsumer({
      group: "g",
      consumerName: "c",
      start: "earliest",
    });
    expect(await consumer.receive(10, signal)).toHaveLength(3);
  });

  it("refuses a memory:// stream without a name, bad parameters and injected clients", async () => {
    await expect(open("stream", "memory://")).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(open("stream", "memory://tx?partitions=0")).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining('"partitions"') as unknown,
    });
    await expect(open("stream", "memory://tx?retention=lots")).rejects.toMatchObject({
      code: "InvalidArgument",
    });
    await expect(open("state", "memory://", { client: {} })).rejects.toMatchObject({
      code: "InvalidArgument",
    });
  });

  it("shares memory:// state by name and measures TTLs with the adapter's clock", async () => {
    let time = 0;
    const adapter = embedded({ now: () => time });
    const store = await open("state", "memory://features", {}, adapter);
    await store.put([{ key: "k", value: new Uint8Array([7]), ttlMs: 5 }], signal);
    const again = await open("state", "memory://features", {}, adapter);
    expect((await again.get(["k"], signal))[0]?.value).toEqual(new Uint8Array([7]));
    expect(await (await open("state", "memory://", {}, adapter)).get(["k"], signal)).toEqual([undefined]);
    time = 5;
    expect(await again.get(["k"], signal)).toEqual([undefined]);
  });

  it("loads onnx: models relative to the base directory", async () => {
    await writeLogisticRegressionOnnx(join(dir, "m.onnx"), [1, 1], 0, { outputName: "p" });
    const model = await open("model", "onnx:m.onnx?output=p");
    expect(await model.predict([[0, 0]], signal)).toEqual([0.5]);
    await model.close();
    await expect(open("model", "onnx:missing.onnx")).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringContaining(join(dir, "missing.onnx")) as unknown,
    });
  });

  it("appends file: time series to the file the URL names", async () => {
    const path = join(dir, "series", "scores.ndjson");
    const sink = await open("timeseries", pathToFileURL(path).href);
    await sink.write([{ measurement: "m", tags: {}, fields: { v: 1 }, time: 5 }], signal);
    await sink.close();
    expect(await readFile(path, "utf8")).toBe('{"measurement":"m","tags":{},"fields":{"v":1},"time":5}\n');
  });
});
