import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { callBytes, callJson } from "./http-call.js";
import type { FetchFunction } from "./http-call.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

const answer: FetchFunction = async () => new Response('{"ok":true}', { status: 200 });

/** Heap growth, in bytes, over `calls` calls made with one long-lived signal, after a full collection. */
async function retained(calls: number, call: (signal: AbortSignal) => Promise<unknown>): Promise<number> {
  const lifetime = new AbortController().signal;
  for (let i = 0; i < 500; i++) await call(lifetime);
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) await call(lifetime);
  collect();
  return process.memoryUsage().heapUsed - before;
}

it("keeps nothing alive on a long-lived signal across calls with a deadline", async () => {
  // A model endpoint's calls run on its lifetime signal; 20,000 calls with AbortSignal.any kept
  // about 20 MB alive on Node 20 (about 1 KB a call, never collected while the endpoint lives).
  const growth = await retained(20_000, (signal) =>
    callJson({ fetch: answer, url: "http://model/infer", body: {}, signal, timeoutMs: 60_000, what: "m" }),
  );
  expect(growth).toBeLessThan(5_000_000);
});

it("keeps nothing alive for binary calls either", async () => {
  const growth = await retained(20_000, (signal) =>
    callBytes(
      { fetch: answer, url: "http://model/infer", signal, timeoutMs: 60_000, what: "m" },
      new Uint8Array(4),
      {},
    ),
  );
  expect(growth).toBeLessThan(5_000_000);
});

it("ends a call that outlives its deadline with a TimeoutError", async () => {
  const never: FetchFunction = (_url, init) =>
    new Promise((_, reject) =>
      init.signal?.addEventListener("abort", () => reject(init.signal?.reason as Error)),
    );
  await expect(
    callJson({
      fetch: never,
      url: "http://model/infer",
      signal: new AbortController().signal,
      timeoutMs: 20,
      what: "m",
    }),
  ).rejects.toMatchObject({ name: "TimeoutError" });
});
