import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { runCli, startCli, waitForOutput } from "./spawn-cli.js";

const EVENTS = ['{"card":"c1","amount":12.5}', '{"card":"c2","amount":990}', "", '{"card":"c1","amount":3}'];

/** A config whose profiles name the same streams on the file source, Kafka, Redis Streams and Pub/Sub. */
function config(topic: string): string {
  return `import { defineConfig } from "@switchyard/core";
import { kafka } from "@switchyard/adapter-kafka";
import { redis } from "@switchyard/adapter-redis";
import { gcp } from "@switchyard/adapter-gcp";

export default defineConfig({
  adapters: [kafka(), redis(), gcp()],
  profiles: {
    local: {
      streams: { transactions: "file://events.ndjson", alerts: "file:./alerts.ndjson", "dead-letters": "file:./dlq.ndjson" },
    },
    kafka: {
      streams: { transactions: "kafka://\${KAFKA_BROKERS}/${topic}?create=true&partitions=2" },
    },
    redis: {
      streams: { transactions: "redis-stream://\${REDIS_HOST}/${topic}" },
    },
    pubsub: {
      streams: { transactions: "pubsub://cli/${topic}?create=true" },
    },
  },
});
`;
}

const PIPELINE = `import { pipeline } from "@switchyard/core";

export default pipeline("big-spends")
  .from<{ card: string; amount: number }>("transactions", { group: "big-spends" })
  .filter((tx) => tx.amount > 100)
  .to("alerts");
`;

// Every case starts the CLI (through tsx) two or three times; the machine may be loaded.
vi.setConfig({ testTimeout: 300_000 });
/** Longest one CLI call of a round trip may take. */
const STEP_MS = 90_000;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-produce-"));
  const topic = `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  await writeFile(join(dir, "switchyard.config.ts"), config(topic));
  await writeFile(join(dir, "input.ndjson"), `${EVENTS.join("\n")}\n`);
  await writeFile(join(dir, "big-spends.ts"), PIPELINE);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** produce then tail on one profile: what tail prints is what produce read, in order. */
async function roundTrip(env: Record<string, string>, profile: string): Promise<void> {
  // Each call bounded below the case's timeout, so a hang fails with what the CLI printed.
  const produced = await runCli(
    ["produce", "transactions", "input.ndjson", "--key", "card", "-p", profile],
    dir,
    env,
    undefined,
    STEP_MS,
  );
  expect(produced.stderr).toContain('produced 3 records to stream "transactions"');
  expect(produced.code).toBe(0);

  const tailed = await runCli(
    ["tail", "transactions", "--from", "earliest", "-p", profile],
    dir,
    env,
    undefined,
    STEP_MS,
  );
  expect(tailed.code, tailed.stderr).toBe(0);
  expect(tailed.stdout.trim().split("\n")).toEqual(EVENTS.filter((line) => line !== ""));
}

describe("switchyard produce and tail on a file: stream (the local profile)", () => {
  it("feeds the local profile from a file, and tail prints it back", async () => {
    await roundTrip({}, "local");
    expect((await readFile(join(dir, "events.ndjson"), "utf8")).split("\n").filter(Boolean)).toHaveLength(3);
  });

  it("runs a pipeline on local that reads the file stream, and follows what produce appends", async () => {
    await writeFile(join(dir, "events.ndjson"), `${EVENTS.join("\n")}\n`);
    const run = startCli(["run", "big-spends.ts", "--quiet"], dir);
    try {
      await waitForOutput(
        run,
        () => run.output().stderr.includes("running") || run.output().stdout.includes("running"),
      );
      await expect
        .poll(() => readFile(join(dir, "alerts.ndjson"), "utf8").catch(() => ""), { timeout: 20_000 })
        .toContain('"amount":990');
      const fed = await runCli(["produce", "transactions", "-"], dir, {}, '{"card":"c9","amount":5000}\n');
      expect(fed.code, fed.stderr).toBe(0);
      await expect
        .poll(() => readFile(join(dir, "alerts.ndjson"), "utf8"), { timeout: 20_000 })
        .toContain('"amount":5000');
    } finally {
      run.child.kill("SIGINT");
      await run.exited;
    }
    const alerts = (await readFile(join(dir, "alerts.ndjson"), "utf8")).trim().split("\n");
    expect(alerts.map((line) => (JSON.parse(line) as { card: string }).card)).toEqual(["c2", "c9"]);
  });

  it("stops at a line that is not JSON, naming it and what was sent before", async () => {
    await writeFile(
      join(dir, "broken.ndjson"),
      '{"card":"ok","amount":1}\n{"card": oops}\n{"card":"never","amount":2}\n',
    );
    const result = await runCli(["produce", "transactions", "broken.ndjson", "--profile", "local"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("broken.ndjson:2 is not JSON");
    expect(result.stderr).toContain("1 record before it were sent");
    expect(await readFile(join(dir, "events.ndjson"), "utf8")).not.toContain("never");
  });

  it("refuses a stream the profile does not name, naming the fix", async () => {
    const result = await runCli(["tail", "transacions"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stream "transacions" is not in profile "local"');
  });
});

describeService("kafka", "switchyard produce and tail on Kafka", (env) => {
  it("publishes the file to a topic and prints it back from the earliest record", async () => {
    await roundTrip({ KAFKA_BROKERS: env.SWITCHYARD_KAFKA_BROKERS! }, "kafka");
    const meta = await runCli(
      ["tail", "transactions", "--meta", "-p", "kafka"],
      dir,
      { KAFKA_BROKERS: env.SWITCHYARD_KAFKA_BROKERS! },
      undefined,
      STEP_MS,
    );
    const first = JSON.parse(meta.stdout.split("\n")[0]!) as { key: string; headers: Record<string, string> };
    expect(first.key).toBe("c1");
    expect(first.headers["content-type"]).toBe("application/json");
  });
});

describeService("redis", "switchyard produce and tail on Redis Streams", (env) => {
  it("publishes the file to a Redis stream and prints it back from the earliest record", async () => {
    await roundTrip({ REDIS_HOST: env.SWITCHYARD_REDIS_URL!.replace(/^redis:\/\//, "") }, "redis");
  });
});

describeService("pubsub", "switchyard tail on Pub/Sub, which tells no lag", (env) => {
  it("exits once nothing arrives for --idle ms, instead of waiting for a lag it never gets", async () => {
    const tailed = await runCli(
      ["tail", "transactions", "-p", "pubsub", "--idle", "1000"],
      dir,
      env,
      undefined,
      STEP_MS,
    );
    expect(tailed.code, tailed.stderr).toBe(0);
    expect(tailed.stderr).toContain('0 records in stream "transactions"');
  });
});
