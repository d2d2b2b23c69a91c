/**
 * The registry suite's hand-written app (see app.ts): it installs core, the CLI
 * and the Kafka adapter, compiles with `tsc --strict` and library checks on,
 * runs its pipeline with `npx switchyard run` on `local` and on Kafka, and
 * shows that an `onnx:` model without the ONNX runtime names the install command.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Stream, ResourceResolver, json } from "@switchyard/core";
import { kafka } from "@switchyard/adapter-kafka";
import { describeService } from "../harness/suite.js";
import { writeApp } from "./app.js";
import { describeRun, run } from "./npm.js";
import { installScriptsOf } from "./install-scripts.js";
import { eventually, start } from "./process.js";
import type { Published } from "./published.js";
import { npmInstall, summary } from "./published.js";

const APP_PACKAGES = ["@switchyard/core", "@switchyard/cli", "@switchyard/adapter-kafka"];

/** Declares the hand-written app's tests, installing from `published`. */
export function describeHandWrittenApp(published: Published): void {
  describe("a hand-written app with core, the CLI and the Kafka adapter", () => {
    let app = "";

    beforeAll(async () => {
      app = join(published.work(), "app");
      writeApp(app, published.registry, published.version, APP_PACKAGES);
      await npmInstall(app);
    }, 900_000);

    it("installs core without the ONNX runtime or the model server", () => {
      expect(existsSync(join(app, "node_modules", "@switchyard", "core", "package.json"))).toBe(true);
      expect(existsSync(join(app, "node_modules", "onnxruntime-node"))).toBe(false);
      expect(existsSync(join(app, "node_modules", "@switchyard", "model-server"))).toBe(false);
    });

    it("installs core without running an install script", () => {
      expect(installScriptsOf(app, "@switchyard/core")).toEqual([]);
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
      // npx ends on the signal; the CLI gets it too, or sees npx gone first and stops the same way.
      expect(running.stderr()).toMatch(/SIGTERM — draining|stopping as on SIGTERM/);
      // Its summary line, printed after draining, shows a clean stop.
      expect(summary(running.stdout())).toMatchObject({ profile: "local", processed: 0, deadLetters: 0 });
    }, 300_000);

    it("names the install command when an onnx: model is used without the ONNX runtime", async () => {
      const scoring = await run(
        "npx",
        ["--no-install", "switchyard", "run", "src/pipeline.ts", "--profile", "scoring"],
        { cwd: app, timeoutMs: 120_000 },
      );
      expect(scoring.code).not.toBe(0);
      expect(scoring.stderr).toContain("npm install onnxruntime-node@~1.30");
    }, 180_000);

    it("names the install command when a kserve+grpc: model is used without the gRPC stack", async () => {
      const scoring = await run(
        "npx",
        ["--no-install", "switchyard", "run", "src/pipeline.ts", "--profile", "grpc-scoring"],
        { cwd: app, timeoutMs: 120_000 },
      );
      expect(scoring.code).not.toBe(0);
      expect(scoring.stderr).toContain("npm install @grpc/grpc-js@^1.14");
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
}
