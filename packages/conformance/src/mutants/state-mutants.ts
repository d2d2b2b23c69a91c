import { SwitchyardError, embedded } from "@switchyard/core";
import type { StateStoreDriver } from "@switchyard/core/driver";
import { uniqueName } from "../fixtures.js";
import type { StateStoreHarness } from "../harness.js";
import { stateStoreSuite } from "../state-store.js";
import type { Mutant } from "./mutant.js";
import { MUTANT_TIMEOUT_MS, anySuite } from "./mutant.js";

const memory = embedded().schemes.find((s) => s.kind === "state" && s.scheme === "memory")!;

/** One defect's changes to a state driver: fields replace the matching members. */
type StateDefect = (inner: StateStoreDriver) => Partial<StateStoreDriver> & { drop?: "increment" | "probe" };

/** `inner` with one defect. */
function brokenState(inner: StateStoreDriver, defect: StateDefect): StateStoreDriver {
  const driver: StateStoreDriver = {
    capabilities: inner.capabilities,
    get: (keys, signal) => inner.get(keys, signal),
    put: (writes, signal) => inner.put(writes, signal),
    delete: (keys, signal) => inner.delete(keys, signal),
    increment: (increments, signal) => inner.increment!(increments, signal),
    errorCode: (err) => inner.errorCode(err),
    as: (type) => inner.as(type),
    probe: (signal) => inner.probe!(signal),
    close: () => inner.close(),
  };
  const { drop, ...changes } = defect(inner);
  Object.assign(driver, changes);
  if (drop !== undefined) delete driver[drop];
  return driver;
}

/** The harness of the embedded `memory://` state store, claiming what it truly does, over drivers with `defect`. */
export function memoryStateHarness(defect: StateDefect): StateStoreHarness {
  return {
    name: "memory:// (mutant)",
    capabilities: { cas: true, ttl: true, increment: true },
    client: null,
    probe: true,
    timeoutMs: MUTANT_TIMEOUT_MS,
    create: async () => {
      const url = new URL(`memory://${uniqueName("mutant")}`);
      return brokenState(
        (await memory.create(url, { name: "mutant", baseDir: "." })) as StateStoreDriver,
        defect,
      );
    },
  };
}

const mutant = (name: string, defect: StateDefect): Mutant => ({
  name: `state: ${name}`,
  suite: () => anySuite(stateStoreSuite(memoryStateHarness(defect))),
});

/** Broken `memory://` state drivers, one defect each. */
export const STATE_MUTANTS: Mutant[] = [
  mutant("declares no compare-and-set", (d) => ({ capabilities: { ...d.capabilities, cas: false } })),
  mutant("declares no TTL", (d) => ({ capabilities: { ...d.capabilities, ttl: false } })),
  mutant("declares no increment", (d) => ({ capabilities: { ...d.capabilities, increment: false } })),
  mutant("has no increment()", () => ({ drop: "increment" })),
  mutant("has no probe()", () => ({ drop: "probe" })),
  mutant("compare-and-set always succeeds", (d) => ({
    put: (writes, signal) =>
      d.put(
        writes.map(({ ifVersion: _, ...w }) => w),
        signal,
      ),
  })),
  mutant("ignores TTL", (d) => ({
    put: (writes, signal) =>
      d.put(
        writes.map(({ ttlMs: _, ...w }) => w),
        signal,
      ),
  })),
  mutant("ignores TTL on batch reads", (d) => {
    const writtenWithTtl = new Map<string, { value: Uint8Array; version: string }>();
    return {
      put: async (writes, signal) => {
        const results = await d.put(writes, signal);
        writes.forEach((w, i) => {
          const r = results[i]!;
          if (w.ttlMs !== undefined && r.ok)
            writtenWithTtl.set(w.key, { value: w.value, version: r.version });
        });
        return results;
      },
      get: async (keys, signal) => {
        const found = await d.get(keys, signal);
        if (keys.length === 1) return found;
        return found.map(
          (e, i) =>
            e ??
            (writtenWithTtl.has(keys[i]!) ? { key: keys[i]!, ...writtenWithTtl.get(keys[i]!)! } : undefined),
        );
      },
    };
  }),
  mutant("keeps the version when the value is unchanged", (d) => {
    const versions = new Map<string, string>();
    return {
      put: async (writes, signal) =>
        (await d.put(writes, signal)).map((r, i) => {
          if (!r.ok) return r;
          const key = `${writes[i]!.key}=${Array.from(writes[i]!.value).join(",")}`;
          if (!versions.has(key)) versions.set(key, r.version);
          return { ok: true, version: versions.get(key)! };
        }),
    };
  }),
  mutant("answers one entry too few for a batch", (d) => ({
    get: async (keys, signal) => {
      const found = await d.get(keys, signal);
      return keys.length > 1 ? [...found.slice(0, -1), undefined] : found;
    },
  })),
  mutant("refuses a batch of exactly maxBatch", (d) => ({
    put: (writes, signal) =>
      writes.length >= d.capabilities.maxBatch
        ? Promise.reject(new SwitchyardError("InvalidArgument", "too many"))
        : d.put(writes, signal),
  })),
  mutant("fails on an empty batch", (d) => ({
    get: (keys, signal) =>
      keys.length === 0
        ? Promise.reject(new SwitchyardError("InvalidArgument", "no keys"))
        : d.get(keys, signal),
  })),
  mutant("increments without atomicity", (d) => ({
    increment: async (increments, signal) => {
      const current = await d.get(
        increments.map((i) => i.key),
        signal,
      );
      await new Promise((resolve) => setTimeout(resolve, 1));
      const next = increments.map((inc, i) => {
        const entry = current[i];
        const was = entry === undefined ? 0 : Number(new TextDecoder().decode(entry.value));
        return was + inc.by;
      });
      await d.put(
        increments.map((inc, i) => ({ key: inc.key, value: new TextEncoder().encode(String(next[i])) })),
        signal,
      );
      return next;
    },
  })),
  mutant("classifies nothing", () => ({ errorCode: () => "Unknown" })),
  mutant("as() answers for every class", () => ({ as: <T>() => ({}) as T })),
  mutant("keeps answering after close", () => ({ close: async () => undefined })),
];
