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

describe("lag while records are stuck", () => {
  it("counts the records received and not done as behind, per partition, until they are done", async () => {
    const streams = {
      tx: memoryStream("lag-tx", { partitions: 2 }),
      "dead-letters": memoryStream("lag-dlq"),
    };
    const resolver: ResourceSource = {
      open: async (kind, name) => {
        const driver = kind === "stream" ? streams[name as keyof typeof streams] : undefined;
        if (driver === undefined)
          throw new SwitchyardError("InvalidArgument", `${kind} "${name}" is not here`);
        return driver as never;
      },
      names: (kind) => (kind === "stream" ? Object.keys(streams) : []),
    };
    await new Stream<{ id: number }>(streams.tx, { name: "tx", codec: json() }).publish(
      Array.from({ length: 40 }, (_, id) => ({ key: String(id), value: { id } })),
    );
    // A step that waits, as one writing to a store that is down would.
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const p = pipeline("stuck")
      .from<{ id: number }>("tx")
      .enrich(async (batch: { id: number }[]) => {
        await stuck;
        return batch;
      });
    const running = run(p, { resolver });
    await running.ready;
    const deadline = Date.now() + 20_000;
    while ((running.stats().lag ?? 0) < 40 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const stalled = running.stats();
    // The source has handed out every record: the driver alone says 0 behind.
    expect(stalled.lag).toBe(40);
    expect(Object.values(stalled.lagByPartition).reduce((a, b) => a + b, 0)).toBe(40);
    expect(Object.keys(stalled.lagByPartition).sort()).toEqual(["0", "1"]);
    expect(stalled.processed).toBe(0);

    release();
    while (running.stats().processed < 40 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1500));
    expect(running.stats().lag).toBe(0);
    await running.stop();
  }, 30_000);
});
