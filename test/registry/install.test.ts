/**
 * Switchyard as a user gets it: every package is built and published to a
 * throwaway registry on loopback, then a new app outside the repository
 * installs @switchyard/core, @switchyard/cli and @switchyard/adapter-kafka from
 * it (its .npmrc names the registry for the @switchyard scope and nothing
 * else), compiles with `tsc` (strict, library checks on) and runs its pipeline
 * with `npx switchyard run` on `local` and on Kafka.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Stream, ResourceResolver, json } from "@switchyard/core";
import { kafka } from "@switchyard/adapter-kafka";
import { REPO_ROOT } from "../harness/paths.js";
import { describeService } from "../harness/suite.js";
import { writeApp } from "./app.js";
import { describeRun, run } from "./npm.js";
import { publish, publishablePackages, registerUser, stagePackage } from "./packages.js";
import { eventually, start } from "./process.js";

const APP_PACKAGES = ["@switchyard/core", "@switchyard/cli", "@switchyard/adapter-kafka"];
const SETUP_TIMEOUT_MS = 1_500_000;

/** The JSON summary `switchyard run --json` prints as its last stdout line when it stops. */
function summary(stdout: string): unknown {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return last.startsWith("{") ? JSON.parse(last) : { stdout };
}

describeService("verdaccio", "Switchyard installed from an npm registry", (registryEnv) => {
  const registry = registryEnv.SWITCHYARD_VERDACCIO_URL!;
  const version = `0.0.0-registry.${Date.now()}`;
  const staged = new Map<string, string>();
  let work = "";
  let app = "";

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "switchyard-registry-"));
    app = join(work, "app");
    const build = await run("npm", ["run", "build"], { cwd: REPO_ROOT });
    if (build.code !== 0) throw new Error(describeRun("npm run build", build));
    const token = await registerUser(registry);
    for (const pkg of publishablePackages()) {
      const dir = await stagePackage(pkg, join(work, "stage"), version);
      staged.set(pkg.name, dir);
      await publish(dir, registry, token, join(work, "publish.npmrc"));
    }
    writeApp(app, registry, version, APP_PACKAGES);
    const install = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: app,
    });
    if (install.code !== 0) throw new Error(describeRun("npm install in the app", install));
  }, SETUP_TIMEOUT_MS);

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it("publishes every package with its README and the LICENSE", () => {
    expect([...staged.keys()]).toEqual(expect.arrayContaining([...APP_PACKAGES, "@switchyard/model-server"]));
    for (const [name, dir] of staged) {
      expect(existsSync(join(dir, "README.md")), `${name} ships a README`).toBe(true);
      expect(readFileSync(join(dir, "LICENSE"), "utf8"), `${name} ships the LICENSE`).toContain(
        "Apache License",
      );
    }
  });

  it("installs core without the ONNX runtime or the model server", () => {
    expect(existsSync(join(app, "node_modules", "@switchyard", "core", "package.json"))).toBe(true);
    expect(existsSync(join(app, "node_modules", "onnxruntime-node"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "@switchyard", "model-server"))).toBe(false);
  });

  it("compiles the app with tsc --strict and skipLibCheck off", async () => {
    const tsc = await run("npx", ["--no-install", "tsc", "-p", "tsconfig.json", "--strict"], { cwd: app });
    expect(tsc.code, describeRun("tsc", tsc)).toBe(0);
  }, 180_000);

  it("runs the pipeline on local with npx switchyard run, and stops on SIGTERM", async () => {
    const running = start(
      "npx",
      ["--no-install", "switchyard", "run", "src/pipeline.ts", "--json", "--quiet"],
      app,
      {},
    );
    const output = () => `${running.stdout()}\n${running.stderr()}`;
    await eventually(
      () => running.stderr().includes('running on profile "local"'),
      "the local run to start",
      output,
    );
    running.terminate();
    await running.exited;
    // npx itself ends on the signal; the CLI's summary line, printed after draining, shows a clean stop.
    expect(running.stderr()).toContain("SIGTERM — draining");
    expect(summary(running.stdout())).toMatchObject({ profile: "local", processed: 0, deadLetters: 0 });
  }, 300_000);

  it("names the install command when an onnx: model is used without the ONNX runtime", async () => {
    const scoring = await run(
      "npx",
      ["--no-install", "switchyard", "run", "src/pipeline.ts", "--profile", "scoring"],
      {
        cwd: app,
        timeoutMs: 120_000,
      },
    );
    expect(scoring.code).not.toBe(0);
    expect(scoring.stderr).toContain("npm install onnxruntime-node@~1.30");
  }, 180_000);

  describeService("kafka", "on a Kafka broker", (kafkaEnv) => {
    it("runs the pipeline on Kafka with npx switchyard run --profile kafka", async () => {
      const brokers = kafkaEnv.SWITCHYARD_KAFKA_BROKERS!;
      const runName = `registry-${randomUUID().slice(0, 8)}`;
      const env = { KAFKA_BROKERS: brokers, RUN: runName };
      const running = start(
        "npx",
        ["--no-install", "switchyard", "run", "src/pipeline.ts", "--profile", "kafka", "--json", "--quiet"],
        app,
        env,
      );
      const output = () => `${running.stdout()}\n${running.stderr()}`;
      await eventually(
        () => running.stderr().includes('running on profile "kafka"'),
        "the Kafka run to start",
        output,
      );

      const resolver = new ResourceResolver(
        {
          adapters: [kafka()],
          profiles: {
            feed: { streams: { orders: `kafka://${brokers}/${runName}.orders?partitions=2&create=true` } },
          },
        },
        "feed",
      );
      const orders = new Stream<{ id: string; amount: number }>(await resolver.open("stream", "orders"), {
        name: "orders",
        codec: json(),
      });
      await orders.publish(
        Array.from({ length: 50 }, (_, i) => ({ key: `o${i}`, value: { id: `o${i}`, amount: i } })),
      );
      await resolver.close();

      const totals = join(app, "kafka-totals.ndjson");
      const lines = () => (existsSync(totals) ? readFileSync(totals, "utf8").trim().split("\n").length : 0);
      await eventually(() => lines() >= 50, "50 points in kafka-totals.ndjson", output);
      running.terminate();
      await running.exited;
      expect(summary(running.stdout()), output()).toMatchObject({
        profile: "kafka",
        processed: 50,
        deadLetters: 0,
      });
      const points = readFileSync(totals, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { fields: { doubled: number } });
      expect(points.map((point) => point.fields.doubled).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i * 2),
      );
    }, 300_000);
  });
});
