/**
 * `switchyard dlq` through the CLI on Redis Streams, a back end that keeps the
 * dead letters after the run exits: a poisoned step and bytes that are not JSON
 * fill the dead-letter stream, the listing shows why and what, and after the fix
 * a replay sends them back to their source, where the fixed pipeline takes them.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stream, raw } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";
import { redis } from "@switchyard/adapter-redis";
import { afterEach, beforeEach, expect, it } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { runCli, startCli, waitForOutput } from "./spawn-cli.js";
import type { DeadLetterView } from "./dlq-format.js";

const PIPELINE = `import { pipeline } from "@switchyard/core";

const broken = process.env.CARDS_BROKEN === "1";
export default pipeline("cards")
  .from<{ card: string }>("transactions")
  .map((tx) => {
    if (broken && tx.card === "7") throw new Error(\`card \${tx.card} is poisoned\`);
    return tx;
  })
  .to("alerts")
  .configure({ retry: { maxAttempts: 2, initialDelayMs: 10 } });
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-dlq-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

async function openStream(url: string): Promise<StreamDriver> {
  const handler = redis().schemes.find((s) => s.kind === "stream" && s.scheme === "redis-stream")!;
  return (await handler.create(new URL(url), { name: "seed", baseDir: dir })) as StreamDriver;
}

/** Runs the pipeline until the stats line counts `done` records and `dead` dead letters, then stops it with SIGINT. */
async function runUntil(
  env: Record<string, string>,
  done: number,
  dead: number,
): Promise<Record<string, unknown>> {
  const cli = startCli(["run", "cards.ts", "--json"], dir, env);
  try {
    await waitForOutput(cli, ({ stderr }) =>
      new RegExp(`cards {2}${done} done .* dead letters ${dead}\\n`).test(stderr),
    );
    cli.child.kill("SIGINT");
    const result = await cli.exited;
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
  } finally {
    cli.child.kill("SIGKILL");
  }
}

function listed(stdout: string): DeadLetterView[] {
  return stdout
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as DeadLetterView);
}

describeService("redis", "switchyard dlq on Redis Streams", (env) => {
  it("lists dead letters with their reasons and bytes, and replays them to the source after a fix", async () => {
    const base = new URL(env.SWITCHYARD_REDIS_URL!).host;
    const run = randomUUID().slice(0, 8);
    const url = (name: string) => `redis-stream://${base}/dlq-test-${run}-${name}`;
    const streams = { transactions: url("tx"), alerts: url("alerts"), "dead-letters": url("dlq") };
    await writeFile(
      join(dir, "switchyard.config.mts"),
      `import { redis } from "@switchyard/adapter-redis";
export default { adapters: [redis()], profiles: { local: { streams: ${JSON.stringify(streams)} } } };\n`,
    );
    await writeFile(join(dir, "cards.ts"), PIPELINE);
    const tx = await openStream(url("tx"));
    await new Stream<Uint8Array>(tx, { name: "tx", codec: raw() }).publishRaw([
      { key: "1", value: encode({ card: "1" }), headers: {}, timestamp: Date.now() },
      { key: "7", value: encode({ card: "7", n: 1 }), headers: { origin: "pos-12" }, timestamp: Date.now() },
      { key: "7", value: encode({ card: "7", n: 2 }), headers: {}, timestamp: Date.now() },
      { key: "x", value: new Uint8Array([0xff, 0x00, 0x10]), headers: {}, timestamp: Date.now() },
    ]);
    await tx.close();

    // Done counts every record settled, the dead-lettered ones included.
    const broken = await runUntil({ CARDS_BROKEN: "1" }, 4, 3);
    expect(broken).toMatchObject({ processed: 4, deadLetters: 3 });

    const list = await runCli(["dlq", "dead-letters", "--json"], dir);
    expect(list.code, list.stderr).toBe(0);
    const letters = listed(list.stdout);
    expect(letters).toHaveLength(3);
    const poisoned = letters.filter((l) => l.reason.stage === "map#0");
    expect(poisoned.map((l) => l.json)).toEqual([
      { card: "7", n: 1 },
      { card: "7", n: 2 },
    ]);
    expect(poisoned[0]).toMatchObject({
      key: "7",
      headers: { origin: "pos-12" },
      reason: { message: "card 7 is poisoned", attempts: "2", source: "transactions", pipeline: "cards" },
    });
    const undecodable = letters.find((l) => l.reason.stage === "decode");
    expect(undecodable).toMatchObject({ hex: "ff0010", bytes: 3, key: "x" });
    expect(list.stderr).toContain("dead-letters: 3 dead letters");

    // Listing commits nothing: a second listing shows the same; the text form names the reason and bytes.
    const text = await runCli(["dlq", "dead-letters"], dir);
    expect(text.stdout).toContain("card 7 is poisoned");
    expect(text.stdout).toMatch(/value \(JSON, \d+ bytes\): \{"card":"7","n":1\}/);
    expect(text.stdout).toContain("value (hex, 3 bytes): ff0010");

    const replay = await runCli(["dlq", "dead-letters", "--replay"], dir);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain("dead-letters: replayed 3 dead letters (3 to transactions)");

    // Fixed: the two card-7 records go through; the bytes that are not JSON are dead-lettered again.
    const fixed = await runUntil({ CARDS_BROKEN: "0" }, 3, 1);
    expect(fixed).toMatchObject({ processed: 3, deadLetters: 1 });

    // The replayed dead letters are not listed again; the new one is.
    const after = listed((await runCli(["dlq", "dead-letters", "--json"], dir)).stdout);
    expect(after.map((l) => l.reason.stage)).toEqual(["decode"]);
  }, 180_000);
});
