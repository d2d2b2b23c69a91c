import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, expect, it } from "vitest";
import { linkSignals } from "./signals.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

afterEach(() => {
  process.off("warning", onWarning);
  warnings.length = 0;
});

it("links many calls to one long-lived signal without Node's possible-leak warning", async () => {
  process.on("warning", onWarning);
  const run = new AbortController();
  // A hundred batches in flight, each with a call linked to the run's signal (a sink outage does this).
  const links = Array.from({ length: 100 }, () => linkSignals(run.signal, new AbortController().signal));
  await new Promise((resolve) => setImmediate(resolve));
  expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  run.abort(new Error("stop"));
  expect(links.every((link) => link.signal.aborted)).toBe(true);
  expect(links[0]!.signal.reason).toEqual(new Error("stop"));
  for (const link of links) link.dispose();
});

it("stops following its sources once disposed", () => {
  const source = new AbortController();
  const link = linkSignals(source.signal);
  link.dispose();
  source.abort();
  expect(link.signal.aborted).toBe(false);
});

it("is aborted at once, with the reason, when a source already is", () => {
  const link = linkSignals(undefined, AbortSignal.abort("gone"));
  expect(link.signal.aborted).toBe(true);
  expect(link.signal.reason).toBe("gone");
});

it("keeps nothing alive on a long-lived source once each link is disposed", () => {
  // The Cosmos DB and Event Hubs drivers link one signal per batch to a store's lifetime signal.
  const lifetime = new AbortController().signal;
  const link = () => linkSignals(lifetime).dispose();
  for (let i = 0; i < 500; i++) link();
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 20_000; i++) link();
  collect();
  expect(process.memoryUsage().heapUsed - before).toBeLessThan(5_000_000);
});
