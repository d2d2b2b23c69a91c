/**
 * The order-under-retries case every stream back end runs: 20,000 records on 200
 * keys, 15% of step attempts throwing; nothing lost, duplicated, reordered or
 * dead-lettered.
 */
import { ResourceResolver, defineConfig } from "@switchyard/core";
import type { Adapter } from "@switchyard/core/driver";
import { expect } from "vitest";
import { checkOrderUnderRetries } from "./retry-order.js";

/** The URL of one of the case's streams (`in`, `out`, `dlq`) with its partition count. */
export type StreamUrl = (suffix: "in" | "out" | "dlq", partitions: number) => string;

/** Runs the case on streams named by `url` through `adapters`, consuming as `group`, and asserts the outcome. */
export async function expectOrderUnderRetries(
  adapters: Adapter[],
  url: StreamUrl,
  group: string,
): Promise<void> {
  const config = defineConfig({
    adapters,
    profiles: {
      case: { streams: { in: url("in", 4), out: url("out", 4), "dead-letters": url("dlq", 1) } },
    },
  });
  const resolver = new ResourceResolver(config, "case");
  try {
    const report = await checkOrderUnderRetries(resolver, {
      records: 20_000,
      keys: 200,
      throwRate: 0.15,
      group,
    });
    expect(report.thrown, "the step threw often enough to matter").toBeGreaterThan(2000);
    expect(report).toMatchObject({ lost: 0, duplicates: 0, outOfOrder: 0, deadLetters: 0 });
  } finally {
    await resolver.close();
  }
}
