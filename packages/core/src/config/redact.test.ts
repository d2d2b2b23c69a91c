import { describe, expect, it } from "vitest";
import { redactUrl, scrubSecrets, secretsOf } from "./redact.js";

describe("redactUrl", () => {
  it("masks the password but keeps the user name", () => {
    expect(redactUrl("kafka://scorer:hunter22@broker:9092/tx")).toBe("kafka://scorer:***@broker:9092/tx");
  });

  it("masks a lone user name, which is often a token", () => {
    expect(redactUrl("redis://s3cr3tT0ken@cache:6379/0")).toBe("redis://***@cache:6379/0");
  });

  it("masks secret-named query parameters and keeps the others", () => {
    expect(
      redactUrl(
        "kinesis://tx?region=us-east-1&accessKeyId=AKIA123&secretAccessKey=abc%2Fdef&sessionToken=t0k",
      ),
    ).toBe("kinesis://tx?region=us-east-1&accessKeyId=***&secretAccessKey=***&sessionToken=***");
    expect(redactUrl("https://acct.blob.core.windows.net/c?sv=2024&sig=S1GN&se=2030")).toBe(
      "https://acct.blob.core.windows.net/c?sv=2024&sig=***&se=2030",
    );
    expect(redactUrl("cosmos://acct/db/c?credential=x&password=y&sas=z&apiKey=k")).toBe(
      "cosmos://acct/db/c?credential=***&password=***&sas=***&apiKey=***",
    );
  });

  it("keeps URLs without secrets exactly as written", () => {
    for (const url of [
      "memory://tx?partitions=4",
      "onnx:./model/fraud.onnx",
      "file:./scores.ndjson",
      "memory://",
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it("masks a password that contains @", () => {
    expect(redactUrl("redis://:p@ss@127.0.0.1:6379/0")).toBe("redis://:***@127.0.0.1:6379/0");
  });

  it("masks keys in connection strings", () => {
    expect(
      redactUrl("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=AbC=="),
    ).toBe("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=***;SharedAccessKey=***");
  });

  it("accepts URL objects", () => {
    expect(redactUrl(new URL("kafka://u:pw@h:1/t"))).toBe("kafka://u:***@h:1/t");
  });
});

describe("scrubSecrets", () => {
  it("removes raw and percent-decoded secrets from any text", () => {
    const url = "kafka://u:p%40ssw0rd@h:1/t?token=tok3n";
    expect(secretsOf(url)).toEqual(expect.arrayContaining(["p%40ssw0rd", "p@ssw0rd", "tok3n"]));
    const scrubbed = scrubSecrets(`auth failed for p@ssw0rd at ${url} (token tok3n)`, url);
    expect(scrubbed).not.toMatch(/p@ssw0rd|p%40ssw0rd|tok3n/);
  });
});

describe("redactUrl names that are not secrets", () => {
  it("keeps keyPrefix and partitionKey readable while masking access keys", () => {
    expect(redactUrl("redis://h:6379/0?keyPrefix=fraud:&accessKey=abc&partitionKey=card")).toBe(
      "redis://h:6379/0?keyPrefix=fraud:&accessKey=***&partitionKey=card",
    );
  });
});
