import { describe, expect, it } from "vitest";
import { pubSubSettings } from "./settings.js";

const parse = (text: string) => pubSubSettings(new URL(text));

describe("pubSubSettings", () => {
  it("reads project and topic, with defaults that order by key and create nothing", () => {
    const s = parse("pubsub://my-project/transactions");
    expect(s).toMatchObject({
      project: "my-project",
      topic: "transactions",
      subscription: undefined,
      create: false,
      ordering: "key",
      lanes: 8,
      maxOutstanding: 1000,
      ackDeadlineSeconds: 10,
      maxRecordBytes: 9_990_000,
    });
  });

  it("reads every parameter", () => {
    const s = parse(
      "pubsub://p-1/t-1?subscription=s-1&create=true&ordering=none&lanes=2&maxOutstanding=50" +
        "&maxOutstandingBytes=2048&ackDeadlineSeconds=30&maxExtensionSeconds=120&retentionSeconds=600" +
        "&deadLetterTopic=t-dlq&maxDeliveryAttempts=7&batchMaxMessages=10&batchMaxMs=0&maxRecordBytes=1000",
    );
    expect(s).toMatchObject({
      subscription: "s-1",
      create: true,
      ordering: "none",
      lanes: 2,
      maxOutstanding: 50,
      maxOutstandingBytes: 2048,
      ackDeadlineSeconds: 30,
      maxExtensionSeconds: 120,
      retentionSeconds: 600,
      deadLetterTopic: "t-dlq",
      maxDeliveryAttempts: 7,
      batchMaxMessages: 10,
      batchMaxMs: 0,
      maxRecordBytes: 1000,
    });
  });

  it.each([
    ["pubsub://p-1", /name one topic/],
    ["pubsub://p-1/a/b", /name one topic/],
    ["pubsub://p-1/go", /name one topic/],
    ["pubsub://p-1/goog-topic", /name one topic/],
    ["pubsub://Bad_Project/topic", /not a Google Cloud project id/],
    ["pubsub://p-1/topic?ordering=partition", /"ordering" must be one of key, none/],
    ["pubsub://p-1/topic?ackDeadlineSeconds=5", /"ackDeadlineSeconds" must be an integer from 10 to 600/],
    ["pubsub://p-1/topic?maxDeliveryAttempts=2", /"maxDeliveryAttempts"/],
    ["pubsub://p-1/topic?create=maybe", /"create" must be true or false/],
    ["pubsub://p-1/topic?maxRecordBytes=10000000", /"maxRecordBytes"/],
  ])("refuses %s naming the fix", (url, message) => {
    expect(() => parse(url)).toThrow(message);
  });
});
