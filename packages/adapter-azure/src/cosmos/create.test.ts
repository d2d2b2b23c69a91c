/**
 * `?create=true` on cosmosdb-server: resources that create the same new
 * database at once (the state store and the time series of one profile, as
 * the fraud example's azure profile opens them) all open.
 */
import { randomUUID } from "node:crypto";
import type { StateStoreDriver, TimeSeriesDriver } from "@switchyard/core/driver";
import { expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { azure } from "../register.js";

describeService("cosmos", "cosmos ?create=true", (env) => {
  const adapter = azure({ cosmos: { connectionString: env.SWITCHYARD_COSMOS_CONNECTION_STRING! } });
  const state = adapter.schemes.find((s) => s.scheme === "cosmos" && s.kind === "state")!;
  const series = adapter.schemes.find((s) => s.scheme === "cosmos" && s.kind === "timeseries")!;

  it("opens resources that create the same new database at the same time", async () => {
    const database = `create-${randomUUID().slice(0, 8)}`;
    const context = { name: "create", baseDir: "." };
    const opened = await Promise.all([
      state.create(new URL(`cosmos://test/${database}/features?create=true`), context),
      series.create(new URL(`cosmos://test/${database}/scores?create=true`), context),
      state.create(new URL(`cosmos://test/${database}/more?create=true`), context),
    ]);
    try {
      const [features] = opened as [StateStoreDriver, TimeSeriesDriver, StateStoreDriver];
      const signal = AbortSignal.timeout(10_000);
      await features.put([{ key: "k", value: Uint8Array.of(1) }], signal);
      const [entry] = await features.get(["k"], signal);
      expect(entry?.value).toEqual(Uint8Array.of(1));
    } finally {
      await Promise.all(opened.map((d) => d.close()));
    }
  });
});
