import { describe, expect, it } from "vitest";
import { defaultLeaseTable, parseKinesisUrl } from "./options.js";

describe("kinesis:// URLs", () => {
  it("reads the stream, region and defaults", () => {
    const s = parseKinesisUrl(new URL("kinesis://transactions?region=eu-west-1"), {});
    expect(s).toMatchObject({
      stream: "transactions",
      failoverMs: 10_000,
      envelope: true,
      leaseTable: undefined,
    });
    expect(s.kinesis).toEqual({ region: "eu-west-1" });
    expect(s.kinesis.requestHandler).toBeUndefined();
  });

  it("takes endpoints from the SDK's standard variables, per service first, with the HTTP/1.1 handler", () => {
    const env = {
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
      AWS_ENDPOINT_URL_KINESIS: "http://127.0.0.1:4567",
    };
    const s = parseKinesisUrl(new URL("kinesis://tx"), env);
    expect(s.kinesis.endpoint).toBe("http://127.0.0.1:4567");
    expect(s.dynamodb.endpoint).toBe("http://127.0.0.1:5000");
    expect(s.kinesis.requestHandler).toBeDefined();
  });

  it("lets URL parameters win over the variables", () => {
    const env = { AWS_ENDPOINT_URL_KINESIS: "http://127.0.0.1:4567" };
    const s = parseKinesisUrl(
      new URL(
        "kinesis://tx?endpoint=http://127.0.0.1:1&leaseEndpoint=http://127.0.0.1:2&leaseTable=my-kcl-app",
      ),
      env,
    );
    expect([s.kinesis.endpoint, s.dynamodb.endpoint, s.leaseTable]).toEqual([
      "http://127.0.0.1:1",
      "http://127.0.0.1:2",
      "my-kcl-app",
    ]);
  });

  it("refuses bad names and values with the fix", () => {
    expect(() => parseKinesisUrl(new URL("kinesis://tx/extra"), {})).toThrow(/name one stream/);
    expect(() => parseKinesisUrl(new URL("kinesis://tx?failoverMs=0"), {})).toThrow(/positive integer/);
    expect(() => parseKinesisUrl(new URL("kinesis://tx?envelope=maybe"), {})).toThrow(/true or false/);
    expect(() => parseKinesisUrl(new URL("kinesis://tx?endpoint=nope"), {})).toThrow(/not a URL/);
    expect(() => parseKinesisUrl(new URL("kinesis://tx?leaseTable=a"), {})).toThrow(/table name/);
  });

  it("names a group's lease table after the group and the stream", () => {
    expect(defaultLeaseTable("fraud-scorer", "transactions")).toBe("fraud-scorer-transactions");
    expect(defaultLeaseTable("g/1", "s")).toBe("g_1-s");
  });
});
