import assert from "node:assert/strict";
import { SwitchyardError } from "@switchyard/core";
import type { StreamNeeds } from "@switchyard/core";
import type { StreamCapabilities } from "@switchyard/core/driver";
import type { Check } from "./check.js";
import type { StreamContext } from "./stream-context.js";
import type { StreamClaims } from "./stream-harness.js";
import { uniqueName } from "./stream-helpers.js";

/** Each requirement a pipeline can state, whether the claims grant it, and the words core's refusal uses. */
function needs(c: StreamCapabilities): { need: keyof StreamNeeds; granted: boolean; named: string }[] {
  return [
    { need: "ordering", granted: c.ordering !== "none", named: "ordering" },
    { need: "groups", granted: c.groups, named: "consumer groups" },
    { need: "replay", granted: c.replay, named: "replay" },
    { need: "startFromTimestamp", granted: c.startFromTimestamp, named: "start from a timestamp" },
    { need: "headers", granted: c.headers, named: "headers" },
  ];
}

/** The checks that the driver declares exactly what the harness claims, and that core acts on the declaration. */
export function streamClaimChecks(claims: StreamClaims): Check<StreamContext>[] {
  return [
    {
      name: "declares exactly the capabilities and optional methods the harness claims",
      run: async (context) => {
        const { driver } = await context.fresh();
        const c = driver.capabilities;
        assert.deepEqual(
          { ...c },
          { ...claims.capabilities },
          "declared capabilities differ from the claims",
        );
        assert.ok(
          Number.isInteger(c.maxRecordBytes) && c.maxRecordBytes > 0,
          "maxRecordBytes must be a positive integer",
        );
        assert.ok(
          Number.isInteger(c.maxBatchRecords) && c.maxBatchRecords > 0,
          "maxBatchRecords must be a positive integer",
        );
        assert.ok(["partition", "key", "none"].includes(c.ordering), `unknown ordering ${c.ordering}`);
        assert.ok(["offset", "ack"].includes(c.settlement), `unknown settlement ${c.settlement}`);
        assert.ok(!claims.nack || c.settlement === "ack", "nack() belongs to ack settlement only");
        const consumer = await driver.openConsumer({
          group: uniqueName("claims"),
          start: "latest",
          consumerName: "c1",
        });
        try {
          assert.equal(
            typeof consumer.lag === "function",
            claims.lag,
            "lag() presence differs from the claim",
          );
          assert.equal(
            typeof consumer.nack === "function",
            claims.nack,
            "nack() presence differs from the claim",
          );
          assert.equal(
            typeof consumer.onAssignment === "function",
            claims.assignment,
            "onAssignment() presence differs from the claim",
          );
        } finally {
          await consumer.close();
        }
      },
    },
    {
      name: "core grants what is claimed and refuses at startup, naming it, what is not",
      run: async (context) => {
        const { stream } = await context.fresh();
        for (const { need, granted, named } of needs(claims.capabilities)) {
          if (granted) {
            stream.require({ [need]: true }, "the adapter");
            continue;
          }
          assert.throws(
            () => stream.require({ [need]: true }, "the adapter"),
            (err: unknown) =>
              err instanceof SwitchyardError &&
              err.code === "FailedPrecondition" &&
              err.message.includes(named),
            `a pipeline that needs ${named} must be refused`,
          );
        }
      },
    },
  ];
}
