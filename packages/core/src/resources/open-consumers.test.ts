import type { ConsumerDriver } from "../driver/stream.js";
import { describe, expect, it } from "vitest";
import { OpenConsumers } from "./open-consumers.js";

/** A consumer that counts its closes. */
type Counted = ConsumerDriver & { closes: number };

/** A consumer that counts its closes and may fail them. */
function consumer(failClose = false): Counted {
  return {
    closes: 0,
    receive: () => Promise.resolve([]),
    commit: () => Promise.resolve(),
    close() {
      this.closes++;
      return failClose ? Promise.reject(new Error("close failed")) : Promise.resolve();
    },
  };
}

describe("OpenConsumers", () => {
  it("closes every tracked consumer, even when one fails to close", async () => {
    const open = new OpenConsumers<Counted>();
    const [a, b, c] = [consumer(), consumer(true), consumer()];
    for (const x of [a, b, c]) open.add(x);
    await open.closeAll();
    expect([a.closes, b.closes, c.closes]).toEqual([1, 1, 1]);
  });

  it("forgets a consumer closed on its own", async () => {
    const open = new OpenConsumers<Counted>();
    const a = open.add(consumer());
    const b = open.add(consumer());
    await a.close();
    await open.closeAll();
    expect([a.closes, b.closes]).toEqual([1, 1]);
  });

  it("passes on the error of a consumer's own close", async () => {
    const open = new OpenConsumers<Counted>();
    const a = open.add(consumer(true));
    await expect(a.close()).rejects.toThrow("close failed");
    await open.closeAll();
    expect(a.closes).toBe(1);
  });
});
