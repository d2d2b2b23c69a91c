/**
 * The stats line's lag while records are stuck, on Redis Streams: its consumer
 * group counts only records not yet delivered, so by the back end alone a run
 * whose every fetched record waits on a step would read "lag 0".
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stream, json } from "@switchyard/core";
import type { StreamDriver } from "@switchyard/core/driver";
import { redis } from "@switchyard/adapter-redis";
import { afterEach, beforeEach, expect, it } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { startCli, waitForOutput } from "./spawn-cli.js";

const PIPELINE = `import { pipeline } from "@switchyard/core";

// Waits forever, as a step writing to a store that is down would.
export default pipeline("stuck")
  .from<{ id: number }>("transactions")
  .enrich(() => new Promise<never>(() => undefined));
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-lag-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeService("redis", "switchyard run lag on Redis Streams", (env) => {
  it("counts the records stuck in flight as behind", async () => {
    const base = new URL(env.SWITCHYARD_REDIS_URL!).host;
    const url = (name: string) => `redis-stream://${base}/lag-test-${randomUUID().slice(0, 8)}-${name}`;
    const streams = { transactions: url("tx"), "dead-letters": url("dlq") };
    await writeFile(
      join(dir, "switchyard.config.mts"),
      `import { redis } from "@switchyard/adapter-redis";
export default { adapters: [redis()], profiles: { local: { streams: ${JSON.stringify(streams)} } } };\n`,
    );
    await writeFile(join(dir, "stuck.ts"), PIPELINE);
    const handler = redis().schemes.find((s) => s.kind === "stream" && s.scheme === "redis-stream")!;
    const tx = (await handler.create(new URL(streams.transactions), {
      name: "seed",
      baseDir: dir,
    })) as StreamDriver;
    await new Stream<{ id: number }>(tx, { name: "tx", codec: json() }).publish(
      Array.from({ length: 40 }, (_, id) => ({ key: String(id), value: { id } })),
    );
    await tx.close();

    const cli = startCli(["run", "stuck.ts", "--drain-timeout", "1000"], dir);
    try {
      await waitForOutput(cli, ({ stderr }) => /stuck {2}0 done .* in flight 40 /.test(stderr));
      const line = cli
        .output()
        .stderr.split("\n")
        .findLast((l) => l.includes("in flight 40 "));
      expect(line).toMatch(/ lag 40 {2}in flight 40 /);
    } finally {
      cli.child.kill("SIGINT");
      await cli.exited;
    }
  }, 120_000);
});
