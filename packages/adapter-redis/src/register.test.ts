import { SchemeRegistry } from "@switchyard/core";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { redis } from "./register.js";
import { RedisStateStore } from "./state/state-store.js";
import type { RedisStream } from "./streams/stream.js";

// Drivers connect lazily, so opening them needs no server.
const registry = new SchemeRegistry([redis()]);
const context = { baseDir: process.cwd() };

describe("redis() registration", () => {
  it("opens state stores on redis: and rediss:, and streams on redis-stream: and rediss-stream:", async () => {
    const state = await registry.open("state", "features", "redis://127.0.0.1:6390/2?keyPrefix=f:", context);
    const secure = await registry.open("state", "features", "rediss://u:p@cache.example:6380/0", context);
    const stream = await registry.open(
      "stream",
      "tx",
      "redis-stream://127.0.0.1:6390/tx?partitions=3",
      context,
    );
    expect(state).toBeInstanceOf(RedisStateStore);
    expect(secure).toBeInstanceOf(RedisStateStore);
    expect((stream as RedisStream).settings.keys).toEqual(["tx:0", "tx:1", "tx:2"]);
    const tls = (secure as RedisStateStore).client.options;
    expect(tls).toMatchObject({ host: "cache.example", port: 6380, username: "u", password: "p", db: 0 });
    expect(tls.tls).toEqual({ servername: "cache.example" });
    expect((state as RedisStateStore).client.options.db).toBe(2);
    await Promise.all([state.close(), secure.close(), stream.close()]);
    expect(registry.schemes("stream")).toEqual(expect.arrayContaining(["redis-stream", "rediss-stream"]));
  });

  it("refuses unknown parameters, bad values and a stream without a name, naming the fix", async () => {
    await expect(registry.open("state", "s", "redis://127.0.0.1/0?prefix=x", context)).rejects.toThrow(
      /prefix/,
    );
    await expect(
      registry.open("stream", "s", "redis-stream://127.0.0.1/tx?partitions=0", context),
    ).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/partitions=0/) });
    await expect(registry.open("stream", "s", "redis-stream://127.0.0.1:6379", context)).rejects.toThrow(
      /name the stream/,
    );
  });

  it("uses an injected ioredis client and refuses anything else", async () => {
    const client = new Redis({ lazyConnect: true });
    const store = await registry.open("state", "s", { url: "redis://127.0.0.1/0", client }, context);
    expect(store.as(Redis)).toBe(client);
    await expect(
      registry.open("state", "s", { url: "redis://127.0.0.1/0", client: { get: () => 1 } }, context),
    ).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/ioredis/) });
    client.disconnect();
  });
});
