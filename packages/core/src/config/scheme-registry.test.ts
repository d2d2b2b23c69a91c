import { describe, expect, it } from "vitest";
import type { Adapter, ResourceKind } from "../driver/adapter.js";
import { SwitchyardError } from "../errors.js";
import { recordedDriver, recordingAdapter } from "./recording-adapter.js";
import type { RecordedDriver } from "./recording-adapter.js";
import { rejection } from "./rejection.js";
import { SchemeRegistry } from "./scheme-registry.js";

const testAdapter = recordingAdapter("test-adapter", [
  { kind: "stream", scheme: "memory", params: ["partitions"] },
  { kind: "stream", scheme: "kafka" },
  { kind: "model", scheme: "onnx" },
  { kind: "timeseries", scheme: "file" },
]);

const registry = new SchemeRegistry([testAdapter], { builtIns: [] });
const context = { baseDir: "/srv/app" };

const open = async (kind: ResourceKind, spec: Parameters<SchemeRegistry["open"]>[2]) =>
  (await registry.open(kind, "tx", spec, context)) as unknown as RecordedDriver;

describe("SchemeRegistry.open", () => {
  it("hands the parsed URL and the resource's context to the adapter", async () => {
    const memory = await open("stream", "memory://tx?partitions=4");
    expect(memory.url.host).toBe("tx");
    expect(memory.url.searchParams.get("partitions")).toBe("4");
    expect(memory.context).toEqual({ name: "tx", baseDir: "/srv/app" });

    const kafka = await open("stream", "kafka://127.0.0.1:9092/tx");
    expect([kafka.url.hostname, kafka.url.port, kafka.url.pathname]).toEqual(["127.0.0.1", "9092", "/tx"]);
  });

  it("resolves relative paths against the base directory", async () => {
    expect((await open("model", "onnx:./model/fraud.onnx")).url.pathname).toBe("/srv/app/model/fraud.onnx");
    expect((await open("timeseries", "file:./scores.ndjson")).url.href).toBe("file:///srv/app/scores.ndjson");
    expect((await open("timeseries", "file:///var/scores.ndjson")).url.pathname).toBe("/var/scores.ndjson");
  });

  it("passes an injected client to the adapter", async () => {
    const client = { sdk: true };
    expect((await open("stream", { url: "kafka://h:1/t", client })).context.client).toBe(client);
  });

  it("returns driver instances unchanged", async () => {
    const driver = recordedDriver(new URL("memory://x"), { name: "tx", ...context });
    expect(await registry.open("stream", "tx", driver, context)).toBe(driver);
  });

  it("refuses unknown query parameters, listing the accepted ones", async () => {
    await expect(open("stream", "memory://tx?partitons=4")).rejects.toThrow(
      'stream "tx": unknown query parameter "partitons" for "memory:" — accepted: partitions',
    );
    await expect(open("stream", "kafka://h:1/t?acks=all")).rejects.toThrow(/takes no query parameters/);
  });

  it("names the package to install for a known cloud scheme", async () => {
    await expect(open("stream", "kinesis://tx?region=us-east-1")).rejects.toThrow(
      'no adapter for "kinesis:" — npm install @switchyard/adapter-aws and add aws() to adapters',
    );
    await expect(open("state", "redis://127.0.0.1:6379/0")).rejects.toThrow(
      "npm install @switchyard/adapter-redis and add redis() to adapters",
    );
    await expect(open("stream", "eventhubs://ns/tx")).rejects.toThrow(
      "@switchyard/adapter-azure and add azure()",
    );
  });

  it("says that a first-party scheme is not available yet instead of naming a package", async () => {
    const influx = await rejection(open("timeseries", "influx://127.0.0.1:8086/db"));
    expect(influx.message).toContain('"influx:" is a first-party scheme that is not available yet');
    expect(influx.message).toContain("file:");
    expect(influx.message).not.toContain("npm install");
    // Released since: their packages are named like every other adapter's.
    await expect(open("model", "sagemaker://fraud")).rejects.toThrow("npm install @switchyard/adapter-aws");
    await expect(open("model", "vertex://p/l/e")).rejects.toThrow("npm install @switchyard/adapter-gcp");
  });

  it("asks whether a mistyped scheme meant a registered or first-party one", async () => {
    const typo = await rejection(open("stream", "memroy://tx"));
    expect(typo.message).toContain('unknown scheme "memroy:" — did you mean "memory:"?');
    await expect(open("stream", "kafak://h/tx")).rejects.toThrow('did you mean "kafka:"?');
    await expect(open("stream", "kinesus://tx")).rejects.toThrow('did you mean "kinesis:"?');
  });

  it("lists the registered schemes for a truly unknown scheme", async () => {
    await expect(open("stream", "nats://h/tx")).rejects.toThrow(
      'unknown scheme "nats:" — registered schemes for streams: kafka: memory:',
    );
  });

  it("says which kind a scheme serves when it is used for another", async () => {
    await expect(open("stream", "onnx:./m.onnx")).rejects.toThrow('"onnx:" serves models, not streams');
  });

  it("refuses text that is not a URL", async () => {
    await expect(open("stream", "just-a-name")).rejects.toThrow(/is not a URL/);
    await expect(open("stream", 42 as never)).rejects.toThrow(/must be a URL string/);
  });

  it("names the resource in adapter errors and masks secrets the adapter leaked", async () => {
    const leaky: Adapter = {
      name: "leaky",
      schemes: [
        {
          kind: "stream",
          scheme: "leaky",
          params: ["token"],
          create: (url) => {
            throw new SwitchyardError("Unauthenticated", `login to ${url.href} with ${url.password} refused`);
          },
        },
      ],
    };
    const withLeaky = new SchemeRegistry([leaky], { builtIns: [] });
    const error = await rejection(
      withLeaky.open("stream", "tx", "leaky://u:Sup3rS3cret@h/t?token=T0ken99", context),
    );
    expect(error.code).toBe("Unauthenticated");
    expect(error.message).toContain('stream "tx" (leaky://u:***@h/t?token=***)');
    expect(error.message).not.toMatch(/Sup3rS3cret|T0ken99/);
    expect(error.cause).toBeUndefined();
  });
});

describe("SchemeRegistry.register", () => {
  it("refuses two adapters claiming one scheme for one kind", () => {
    const other = recordingAdapter("other", [{ kind: "stream", scheme: "kafka" }]);
    expect(() => new SchemeRegistry([testAdapter, other], { builtIns: [] })).toThrow(
      '"kafka:" streams are handled by both test-adapter and other',
    );
  });

  it("ignores the same adapter registered twice", () => {
    expect(new SchemeRegistry([testAdapter, testAdapter], { builtIns: [] }).schemes("stream")).toEqual([
      "kafka",
      "memory",
    ]);
  });

  it("starts with the built-in adapters unless told otherwise", () => {
    expect(new SchemeRegistry().schemes("model")).toEqual(expect.arrayContaining(["kserve", "tfserving"]));
    expect(new SchemeRegistry([], { builtIns: [] }).schemes()).toEqual([]);
  });

  it("tells the user to call a factory passed uncalled", () => {
    function kafka(): Adapter {
      return testAdapter;
    }
    expect(() => new SchemeRegistry([kafka as never], { builtIns: [] })).toThrow(
      "call it: adapters: [kafka()]",
    );
  });
});
