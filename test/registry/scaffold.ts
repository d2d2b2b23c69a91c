/**
 * The registry suite's scaffolded app: written by `npx @switchyard/cli init` as
 * a new user runs it (the CLI itself fetched from the registry by npx), then
 * installed from the registry with only the `@switchyard` scope line in its
 * `.npmrc`. Its own `npm test` and `tsc` pass, and `npx switchyard run` alerts
 * on the sample data on `local` and on the harness's Kafka broker.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { describeRun, run } from "./npm.js";
import { eventually, start } from "./process.js";
import type { Published } from "./published.js";
import { npmInstall, scopeLine, summary } from "./published.js";

/** The alert the sample data (data/transactions.ndjson) raises: its one transaction of 1,000 or more. */
const SAMPLE_ALERT = '"amount":1899';

/** Declares the scaffolded app's tests, installing from `published`. */
export function describeScaffoldedApp(published: Published): void {
  describe("an app written by npx @switchyard/cli init", () => {
    let app = "";
    const read = (file: string) => readFileSync(join(app, file), "utf8");

    beforeAll(async () => {
      // A new user's directory: no project yet, only the private registry's scope line.
      const parent = join(published.work(), "new-user");
      mkdirSync(parent, { recursive: true });
      writeFileSync(join(parent, ".npmrc"), scopeLine(published.registry));
      const written = await run(
        "npx",
        ["--yes", `@switchyard/cli@${published.version}`, "init", "fresh-app"],
        // An empty npm cache, as a new user has: npx fetches the CLI and its dependencies afresh.
        { cwd: parent, env: { npm_config_cache: join(published.work(), "npm-cache") } },
      );
      if (written.code !== 0) throw new Error(describeRun("npx @switchyard/cli init", written));
      app = join(parent, "fresh-app");
      writeFileSync(join(app, ".npmrc"), scopeLine(published.registry));
      await npmInstall(app);
    }, 900_000);

    it("installs the published @switchyard packages at their version", () => {
      const manifest = JSON.parse(read("package.json")) as Record<string, Record<string, string>>;
      expect(manifest.dependencies?.["@switchyard/core"]).toBe(`^${published.version}`);
      for (const name of ["@switchyard/core", "@switchyard/adapter-kafka", "@switchyard/cli"]) {
        const installed = JSON.parse(read(join("node_modules", name, "package.json"))) as { version: string };
        expect(installed.version, name).toBe(published.version);
      }
      expect(existsSync(join(app, "node_modules", "onnxruntime-node"))).toBe(false);
    });

    it("passes its own npm test", async () => {
      const test = await run("npm", ["test"], { cwd: app });
      expect(test.code, describeRun("npm test", test)).toBe(0);
      expect(test.stdout).toMatch(/Tests\s+.*1 passed/);
    }, 300_000);

    it("compiles with its own tsconfig: strict, library checks on", async () => {
      const tsconfig = JSON.parse(read("tsconfig.json")) as { compilerOptions: Record<string, unknown> };
      expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
      const tsc = await run("npm", ["run", "typecheck"], { cwd: app });
      expect(tsc.code, describeRun("npm run typecheck", tsc)).toBe(0);
    }, 300_000);

    it("runs on local with npx switchyard run, alerting on the sample data", async () => {
      const running = start(
        "npx",
        ["--no-install", "switchyard", "run", "src/pipeline.ts", "--quiet", "--json"],
        app,
        {},
      );
      const output = () => `${running.stdout()}\n${running.stderr()}`;
      const alerts = join(app, "data", "alerts.ndjson");
      await eventually(
        () => existsSync(alerts) && readFileSync(alerts, "utf8").includes(SAMPLE_ALERT),
        "the sample alert in data/alerts.ndjson",
        output,
      );
      running.terminate();
      await running.exited;
      // SIGTERM drains, commits and prints the summary: every sample record done, none dead-lettered.
      expect(summary(running.stdout()), output()).toMatchObject({
        profile: "local",
        processed: 3,
        deadLetters: 0,
      });
    }, 300_000);

    describeService("kafka", "on a Kafka broker", (kafkaEnv) => {
      it("produces the sample data to Kafka, runs on it and tails the alert", async () => {
        const env = { KAFKA_BROKERS: kafkaEnv.SWITCHYARD_KAFKA_BROKERS! };
        // Topics of this run's own: the harness's broker may hold those of earlier runs.
        const suffix = Date.now().toString(36);
        const config = join(app, "switchyard.config.ts");
        writeFileSync(
          config,
          read("switchyard.config.ts").replaceAll("?create=true", `-${suffix}?create=true`),
        );
        const cli = (...args: string[]) => ["--no-install", "switchyard", ...args, "--profile", "kafka"];

        const produced = await run(
          "npx",
          cli("produce", "transactions", "data/transactions.ndjson", "--key", "card"),
          {
            cwd: app,
            env,
          },
        );
        expect(produced.stderr, describeRun("switchyard produce", produced)).toContain("produced 3 records");
        const running = start("npx", cli("run", "src/pipeline.ts", "--quiet", "--json"), app, env);
        const output = () => `${running.stdout()}\n${running.stderr()}`;
        let tailed = "";
        await eventually(
          async () => {
            tailed = (await run("npx", cli("tail", "alerts"), { cwd: app, env, timeoutMs: 60_000 })).stdout;
            return tailed.includes(SAMPLE_ALERT);
          },
          "the sample alert on the alerts topic",
          () => `${output()}\ntail printed: ${tailed}`,
        );
        running.terminate();
        await running.exited;
        expect(summary(running.stdout()), output()).toMatchObject({
          profile: "kafka",
          processed: 3,
          deadLetters: 0,
        });
      }, 300_000);
    });
  });
}
