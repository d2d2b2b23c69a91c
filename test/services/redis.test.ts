import { describe, expect, it } from "vitest";
import { findExecutable } from "../harness/apt.js";
import { probeTcp } from "../harness/ports.js";
import { REDIS_URL_ENV, redis, redisAnswers } from "./redis.js";

const installed = findExecutable("redis-server") !== undefined;
if (!installed) console.warn("⚠ skipping the redis service recipe test: redis-server is not installed");

// Skipped only where redis-server is not installed; the harness installs it on the first run that needs it.
describe.skipIf(!installed)("redis service recipe", () => {
  it("starts a private redis-server on a free loopback port and leaves nothing behind", async () => {
    const running = await redis.startLocal();
    const url = new URL(running.env[REDIS_URL_ENV]!);
    expect(url.hostname).toBe("127.0.0.1");
    const port = Number(url.port);
    expect(port).not.toBe(6379);
    expect(await redisAnswers(port)).toBe(true);
    await running.stop();
    await running.stop();
    expect(await probeTcp(port)).toBe(false);
  });
});
