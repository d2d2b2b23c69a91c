/** Per-key order under step retries on the embedded `memory://` streams. */
import { ResourceResolver, defineConfig, resetMemoryStreams } from "@switchyard/core";
import { afterEach, describe, expect, it } from "vitest";
import { checkOrderUnderRetries } from "./retry-order.js";

describe("per-key order under retries on memory://", () => {
  afterEach(() => resetMemoryStreams());

  it("writes 20,000 records on 200 keys once each, in key order, with 15% of step attempts throwing", async () => {
    const config = defineConfig({
      profiles: {
        local: {
          streams: {
            in: "memory://order-in?partitions=4",
            out: "memory://order-out?partitions=4",
            "dead-letters": "memory://order-dead-letters",
          },
        },
      },
    });
    const resolver = new ResourceResolver(config, "local");
    try {
      const report = await checkOrderUnderRetries(resolver, {
        records: 20_000,
        keys: 200,
        throwRate: 0.15,
        group: "order-memory",
      });
      expect(report.thrown, "the step threw often enough to matter").toBeGreaterThan(2000);
      expect(report).toMatchObject({ lost: 0, duplicates: 0, outOfOrder: 0, deadLetters: 0 });
    } finally {
      await resolver.close();
    }
  }, 120_000);
});
