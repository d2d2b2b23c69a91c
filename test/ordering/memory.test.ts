/** Per-key order under step retries on the embedded `memory://` streams. */
import { resetMemoryStreams } from "@switchyard/core";
import { afterEach, describe, it } from "vitest";
import { expectOrderUnderRetries } from "./order-case.js";

describe("per-key order under retries on memory://", () => {
  afterEach(() => resetMemoryStreams());

  it("writes 20,000 records on 200 keys once each, in key order, with 15% of step attempts throwing", async () => {
    await expectOrderUnderRetries(
      [],
      (suffix, partitions) => `memory://order-${suffix}?partitions=${partitions}`,
      "order-memory",
    );
  }, 120_000);
});
