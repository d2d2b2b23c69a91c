import * as zlib from "node:zlib";
import { SwitchyardError } from "@switchyard/core/driver";
import { describe, expect, it } from "vitest";
import { parseKafkaUrl } from "./options.js";

const parse = (text: string) => parseKafkaUrl(new URL(text));

describe("kafka:// URLs", () => {
  it("reads brokers, topic and the defaults", () => {
    const o = parse("kafka://127.0.0.1:9092/orders");
    expect(o).toMatchObject({ brokers: ["127.0.0.1:9092"], topic: "orders", acks: -1, idempotent: true });
    expect(o).toMatchObject({ compression: "none", lingerMs: 0, maxRecordBytes: 1_048_064, create: false });
  });

  it("reads a static group member's instance id and refuses one Kafka would not take", () => {
    expect(parse("kafka://h:1/t").groupInstanceId).toBeUndefined();
    expect(parse("kafka://h:1/t?groupInstanceId=scorer-0").groupInstanceId).toBe("scorer-0");
    expect(() => parse("kafka://h:1/t?groupInstanceId=a%20b")).toThrow(/groupInstanceId "a b" must be/);
  });

  it("takes several brokers, from the host list and from ?brokers=", () => {
    expect(parse("kafka://a,b:9093/t").brokers).toEqual(["a:9093", "b:9093"]);
    expect(parse("kafka://a/t?brokers=b:9094,c:9095").brokers).toEqual(["a:9092", "b:9094", "c:9095"]);
  });

  it("reads producer, topic and security parameters", () => {
    const o = parse(
      "kafka://h:1/t?partitions=6&create=true&acks=1&compression=lz4&linger=5&tls=true&sasl=scram-sha-512&username=u&password=p&clientId=c&connectTimeoutMs=500",
    );
    expect(o).toMatchObject({ partitions: 6, create: true, acks: 1, idempotent: false, compression: "lz4" });
    expect(o).toMatchObject({ lingerMs: 5, tls: true, clientId: "c", connectTimeoutMs: 500 });
    expect(o.sasl).toEqual({ mechanism: "SCRAM-SHA-512", username: "u", password: "p" });
    expect(parse("kafka://user:secret@h:1/t?sasl=plain").sasl).toEqual({
      mechanism: "PLAIN",
      username: "user",
      password: "secret",
    });
  });

  it("reads TLS files, relative to the config's folder, and turns TLS on with them", () => {
    const o = parseKafkaUrl(
      new URL("kafka://h:1/t?ca=certs/ca.pem&cert=/etc/app.pem&key=app-key.pem"),
      {},
      "/cfg",
    );
    expect(o).toMatchObject({
      tls: true,
      ca: "/cfg/certs/ca.pem",
      cert: "/etc/app.pem",
      key: "/cfg/app-key.pem",
    });
    expect(parse("kafka://h:1/t?tls=true")).toMatchObject({ tls: true, ca: undefined, cert: undefined });
    expect(() => parse("kafka://h:1/t?cert=/a.pem")).toThrow(/cert= and key= go together/);
    expect(() => parse("kafka://h:1/t?tls=false&ca=/ca.pem")).toThrow(/tls=false contradicts ca=/);
  });

  it.each([
    ["kafka:///t", "at least one broker"],
    ["kafka://h:1/", "not a Kafka topic name"],
    ["kafka://h:1/t?acks=2", '"acks"'],
    ["kafka://h:1/t?compression=brotli", '"compression"'],
    ["kafka://h:1/t?partitions=0", '"partitions"'],
    ["kafka://h:1/t?sasl=kerberos", '"sasl"'],
    ["kafka://h:1/t?username=u", "without a mechanism"],
    ["kafka://h:1/t?create=maybe", '"create"'],
  ])("refuses %s naming the fix", (text, message) => {
    const attempt = () => parse(text);
    expect(attempt).toThrow(SwitchyardError);
    expect(attempt).toThrow(message);
  });

  it("accepts zstd only where node:zlib has it", () => {
    const attempt = () => parse("kafka://h:1/t?compression=zstd");
    if ("zstdCompressSync" in zlib) expect(attempt().compression).toBe("zstd");
    else expect(attempt).toThrow(/zstd needs Node 22.15/);
  });

  it("never shows a password in an error", () => {
    expect(() => parse("kafka://u:hunter2@h:1/t?sasl=plain&acks=9")).toThrow(/\*\*\*/);
    expect(() => parse("kafka://u:hunter2@h:1/t?sasl=plain&acks=9")).not.toThrow(/hunter2/);
  });
});
