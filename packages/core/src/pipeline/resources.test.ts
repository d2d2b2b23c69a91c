import { afterEach, describe, expect, it } from "vitest";
import type { Codec } from "../codec/codec.js";
import { raw } from "../codec/raw.js";
import { ResourceResolver } from "../config/resolver.js";
import { SchemeRegistry } from "../config/scheme-registry.js";
import { embedded } from "../embedded/adapter.js";
import { resetMemoryStateStores } from "../embedded/memory-state.js";
import { RunResources } from "./resources.js";

afterEach(() => resetMemoryStateStores());

/** Numbers as 8 bytes, a codec a step might bring for its own state. */
const float64: Codec<number> = {
  name: "float64",
  contentType: "application/octet-stream",
  encode: (n) => new Uint8Array(new Float64Array([n]).buffer),
  decode: (bytes) => new Float64Array(bytes.slice().buffer)[0]!,
};

async function openResources(): Promise<RunResources> {
  const config = {
    profiles: {
      local: {
        state: { counts: "memory://resources-test" },
        streams: { out: "memory://resources-test-out" },
      },
    },
  };
  const resolver = new ResourceResolver(config, "local", {
    registry: new SchemeRegistry([], { builtIns: [embedded()] }),
  });
  const resources = new RunResources(resolver, new AbortController().signal);
  await resources.openAll([], new Map(), 5_000, () => {});
  return resources;
}

describe("RunResources.state", () => {
  it("stores values through the caller's codec, over the same entries as the profile's store", async () => {
    const resources = await openResources();
    const counts = resources.state("counts", { codec: float64 });
    await counts.put("pi", Math.PI);
    expect(await counts.get("pi")).toBe(Math.PI);
    // The same entry, seen as bytes: eight of them, not JSON text.
    const bytes = await resources.state("counts", { codec: raw() }).get("pi");
    expect(bytes).toHaveLength(8);
    await expect(resources.state("counts").get("pi")).rejects.toThrow(
      /cannot decode the value of key "pi" with codec json/,
    );
  });

  it("hands out one store per codec, so a step calling it per batch builds nothing", async () => {
    const resources = await openResources();
    expect(resources.state("counts", { codec: float64 })).toBe(resources.state("counts", { codec: float64 }));
    expect(resources.state("counts", { codec: float64 })).not.toBe(resources.state("counts"));
    expect(resources.state("counts")).toBe(resources.state("counts", {}));
    expect(() => resources.state("missing", { codec: float64 })).toThrow(
      /state "missing" is not in the profile/,
    );
  });
});

describe("RunResources.streamWith", () => {
  it("hands out one stream per codec over the profile's driver, and the profile's own for its codec", async () => {
    const resources = await openResources();
    const out = resources.streamWith("out", float64);
    expect(resources.streamWith("out", float64)).toBe(out);
    expect(resources.streamWith("out", undefined)).toBe(resources.stream("out"));
    // Written through the step's codec, read as bytes through the profile's driver: eight of them.
    await out.publish([{ value: Math.E }]);
    const sub = await resources.streamWith("out", raw()).subscribe({ group: "g", start: "earliest" });
    const batch = await sub.receive(AbortSignal.timeout(5_000));
    expect(batch?.records.map((r) => r.value.byteLength)).toEqual([8]);
    await sub.close();
  });
});
