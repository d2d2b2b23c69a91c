/**
 * The fraud demo on the example's `azure` profile, run as a user runs it
 * (`tsx src/demo.ts --profile azure`), with one service unreachable (a closed
 * port) while the others answer: it ends within the startup timeout plus a
 * small bound, non-zero, with the one-line error naming the resource and the
 * fix — no hang, no stack trace. Before, a failed Cosmos DB open left the
 * demo's alert reader asking a closed Event Hubs consumer for records in a
 * loop that never yielded, so the run never ended.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../harness/ports.js";
import { describeService } from "../harness/suite.js";
import { createHub, doubleConnectionString } from "../services/eventhubs.js";

const EXAMPLE_DIR = fileURLToPath(new URL("../../examples/fraud-detection/", import.meta.url));
/** The pipeline's default startup timeout, plus room for the SDKs' own short retries and closing. */
const STARTUP_BOUND_MS = 15_000 + 20_000;
/** Loading the example through tsx on a loaded machine, before its plan is printed. */
const LAUNCH_MS = 60_000;

interface Ended {
  code: number | null;
  stderr: string;
  /** From the plan's first line (the demo is loaded and starts opening) to exit; undefined without a plan. */
  afterPlanMs: number | undefined;
}

/** Runs the demo on `azure` with `env`, killing it after `LAUNCH_MS + STARTUP_BOUND_MS`. */
function runDemo(env: Record<string, string>, run: string): Promise<Ended> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/demo.ts", "--profile", "azure", "--run", run, "--events", "200", "--json"],
    { cwd: EXAMPLE_DIR, env: { ...process.env, ...env, SWITCHYARD_PROFILE: "" } },
  );
  let stderr = "";
  let planAt: number | undefined;
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (planAt === undefined && stderr.includes(" writes to:")) planAt = Date.now();
  });
  child.stdout.resume();
  const killer = setTimeout(() => child.kill("SIGKILL"), LAUNCH_MS + STARTUP_BOUND_MS);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, afterPlanMs: planAt === undefined ? undefined : Date.now() - planAt });
    });
  });
}

/** The error line the demo ends with, and that nothing like a stack trace came with it. */
function expectOneLineError(ended: Ended, pattern: RegExp): void {
  expect(ended.code, ended.stderr).toBe(1);
  const last = ended.stderr.trim().split("\n").at(-1) ?? "";
  expect(last).toMatch(pattern);
  expect(ended.stderr).not.toMatch(/^\s+at /m);
  expect(ended.stderr).not.toContain("Node.js v");
  expect(ended.afterPlanMs, "the demo never printed its plan").toBeDefined();
  expect(ended.afterPlanMs).toBeLessThan(STARTUP_BOUND_MS);
}

describeService("eventhubs", "the demo on azure, one service unreachable", (eventHubs) =>
  describeService("azurite", "checkpoints on Azurite", (azurite) =>
    describeService("cosmos", "state and scores on cosmosdb-server", (cosmos) => {
      const control = eventHubs.SWITCHYARD_EVENTHUBS_CONTROL_URL!;
      const env = {
        EVENTHUBS_NAMESPACE: "switchyard-ops",
        COSMOS_ACCOUNT: "switchyard-ops",
        AZURE_EVENTHUBS_CONNECTION_STRING: eventHubs.SWITCHYARD_EVENTHUBS_CONNECTION_STRING!,
        AZURE_STORAGE_CONNECTION_STRING: azurite.SWITCHYARD_AZURITE_CONNECTION_STRING!,
        AZURE_COSMOS_CONNECTION_STRING: cosmos.SWITCHYARD_COSMOS_CONNECTION_STRING!,
      };
      const label = `ops-${randomUUID().slice(0, 8)}`;

      describe.sequential("ends with the one-line error", () => {
        it(
          "when Cosmos DB does not answer while Event Hubs does",
          async () => {
            const run = `${label}-cosmos`;
            for (const hub of ["transactions", "alerts", "dead-letters"]) {
              await createHub(control, `fraud-demo-${run}.${hub}`, 2);
            }
            const closed = await freePort();
            const ended = await runDemo(
              {
                ...env,
                AZURE_COSMOS_CONNECTION_STRING: env.AZURE_COSMOS_CONNECTION_STRING.replace(
                  /127\.0\.0\.1:\d+/,
                  `127.0.0.1:${closed}`,
                ),
              },
              run,
            );
            expectOneLineError(ended, /^Unavailable: state "features" .*cosmos:\/\/.*cannot be reached/);
            expect(ended.stderr.trim().split("\n").at(-1)).toContain(`at http://127.0.0.1:${closed}/`);
          },
          LAUNCH_MS + STARTUP_BOUND_MS + 10_000,
        );

        it(
          "when Event Hubs does not answer while Cosmos DB does",
          async () => {
            const closed = await freePort();
            const ended = await runDemo(
              { ...env, AZURE_EVENTHUBS_CONNECTION_STRING: doubleConnectionString(closed) },
              `${label}-eventhubs`,
            );
            expectOneLineError(ended, /^Unavailable: stream "alerts" .*eventhubs:\/\/.*cannot be reached/);
            expect(ended.stderr.trim().split("\n").at(-1)).toContain(`at 127.0.0.1:${closed} `);
          },
          LAUNCH_MS + STARTUP_BOUND_MS + 10_000,
        );
      });
    }),
  ),
);
