import { describe, expect, it } from "vitest";
import { recordedDriver, recordingAdapter } from "./recording-adapter.js";
import type { RecordedDriver } from "./recording-adapter.js";
import { rejection } from "./rejection.js";
import { ResourceResolver } from "./resolver.js";
import { SchemeRegistry } from "./scheme-registry.js";
import { defineConfig } from "./types.js";

function setup(env: Record<string, string> = {}) {
  const adapter = recordingAdapter("test-adapter", [
    { kind: "stream", scheme: "memory", params: ["partitions"] },
    { kind: "stream", scheme: "kafka" },
    { kind: "state", scheme: "memory" },
    { kind: "model", scheme: "onnx" },
  ]);
  const handBuilt = recordedDriver(new URL("memory://hand"), { name: "hand", baseDir: "/" });
  const config = defineConfig({
    profiles: {
      local: {
        streams: { transactions: "memory://tx?partitions=4", alerts: "memory://alerts", hand: handBuilt },
        state: { features: "memory://" },
        models: { fraud: "onnx:./model/fraud.onnx" },
      },
      kafka: {
        streams: {
          transactions: "kafka://${KAFKA_USER:-scorer}:${KAFKA_PASSWORD}@${KAFKA_HOST:-127.0.0.1}:9092/tx",
        },
      },
    },
  });
  const registry = new SchemeRegistry([adapter], { builtIns: [] });
  const resolver = (profile: string) =>
    new ResourceResolver(config, profile, { baseDir: "/srv/app", env, registry });
  return { adapter, handBuilt, resolver };
}

describe("ResourceResolver", () => {
  it("opens each resource once and shares the driver", async () => {
    const { adapter, resolver } = setup();
    const local = resolver("local");
    const [a, b] = await Promise.all([
      local.open("stream", "transactions"),
      local.open("stream", "transactions"),
    ]);
    expect(a).toBe(b);
    expect(await local.open("stream", "transactions")).toBe(a);
    expect(adapter.opened).toHaveLength(1);
    const model = (await local.open("model", "fraud")) as unknown as RecordedDriver;
    expect(model.url.pathname).toBe("/srv/app/model/fraud.onnx");
  });

  it("names the profile section to add a missing resource to", async () => {
    const { resolver } = setup({ KAFKA_PASSWORD: "x" });
    await expect(resolver("kafka").open("stream", "alerts")).rejects.toThrow(
      'stream "alerts" is not in profile "kafka" — add it under profiles.kafka.streams',
    );
    await expect(resolver("kafka").open("model", "fraud")).rejects.toThrow(
      "add it under profiles.kafka.models",
    );
  });

  it("asks whether a mistyped resource name meant one of the profile's", async () => {
    const { resolver } = setup();
    await expect(resolver("local").open("stream", "transactons")).rejects.toThrow(
      'stream "transactons" is not in profile "local" — did you mean "transactions"? or add it under profiles.local.streams',
    );
  });

  it("lists the profiles when the profile is unknown", () => {
    const { resolver } = setup();
    expect(() => resolver("aws")).toThrow('profile "aws" is not in the config — profiles: local, kafka');
  });

  it("interpolates variables when a resource is opened, naming a missing one", async () => {
    const { adapter, resolver } = setup({ KAFKA_PASSWORD: "pw-123456" });
    const driver = (await resolver("kafka").open("stream", "transactions")) as unknown as RecordedDriver;
    expect(driver.url.href).toBe("kafka://scorer:pw-123456@127.0.0.1:9092/tx");
    expect(adapter.opened).toHaveLength(1);

    const error = await rejection(setup().resolver("kafka").open("stream", "transactions"));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toContain(
      'KAFKA_PASSWORD is not set (used by stream "transactions" in profile "kafka")',
    );
  });

  it("describes resources with secrets masked and lists names per kind", () => {
    const { resolver } = setup({ KAFKA_PASSWORD: "pw-123456" });
    const kafka = resolver("kafka");
    expect(kafka.describe("stream", "transactions")).toBe("kafka://scorer:***@127.0.0.1:9092/tx");
    expect(setup().resolver("kafka").describe("stream", "transactions")).not.toContain("pw-123456");

    const local = resolver("local");
    expect(local.names("stream")).toEqual(["transactions", "alerts", "hand"]);
    expect(local.names("timeseries")).toEqual([]);
    expect(local.describe("stream", "hand")).toBe("(driver instance)");
    expect(local.has("state", "features")).toBe(true);
    expect(local.has("state", "nope")).toBe(false);
  });

  it("closes the drivers it opened, but not hand-built instances", async () => {
    const { adapter, handBuilt, resolver } = setup();
    const local = resolver("local");
    expect(await local.open("stream", "hand")).toBe(handBuilt);
    await local.open("stream", "alerts");
    await local.open("state", "features");
    await local.close();
    await local.close();
    expect(adapter.opened.map((driver) => driver.closed)).toEqual([1, 1]);
    expect(handBuilt.closed).toBe(0);
    await expect(local.open("stream", "alerts")).rejects.toThrow(/resolver is closed/);
  });

  it("does not cache a failed open", async () => {
    const env: Record<string, string> = {};
    const { resolver } = setup(env);
    const kafka = resolver("kafka");
    await expect(kafka.open("stream", "transactions")).rejects.toThrow(/KAFKA_PASSWORD/);
    env.KAFKA_PASSWORD = "now-set";
    await expect(kafka.open("stream", "transactions")).resolves.toBeDefined();
  });

  it("refuses misspelt profile sections", () => {
    const config = { profiles: { local: { stream: { tx: "memory://tx" } } } };
    expect(() => new ResourceResolver(config as never, "local")).toThrow(
      'profile "local" has an unknown section "stream" — sections are streams, state, models, timeseries',
    );
  });
});
