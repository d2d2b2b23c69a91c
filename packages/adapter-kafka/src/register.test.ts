import { Producer } from "@platformatic/kafka";
import { SchemeRegistry } from "@switchyard/core";
import { expect, it } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { KafkaStream } from "./kafka/stream.js";
import { kafka } from "./register.js";

const registry = new SchemeRegistry([kafka({ clientId: "registration" })]);
const context = { baseDir: process.cwd() };

describeService("kafka", "kafka() registration", (env) => {
  const brokers = env.SWITCHYARD_KAFKA_BROKERS!;
  const topic = `registration-${process.pid}`;

  it("opens kafka:// streams through the URL registry", async () => {
    const stream = await registry.open(
      "stream",
      "tx",
      `kafka://${brokers}/${topic}?create=true&partitions=2`,
      context,
    );
    expect(stream).toBeInstanceOf(KafkaStream);
    expect(stream.capabilities).toMatchObject({ ordering: "partition", groups: true, settlement: "offset" });
    await stream.close();
    expect(registry.schemes("stream")).toContain("kafka");
  });

  it("refuses unknown parameters and bad values, naming the fix", async () => {
    await expect(
      registry.open("stream", "tx", `kafka://${brokers}/${topic}?lingerMs=5`, context),
    ).rejects.toThrow(/lingerMs/);
    await expect(
      registry.open("stream", "tx", `kafka://${brokers}/${topic}?acks=2`, context),
    ).rejects.toMatchObject({
      code: "InvalidArgument",
    });
  });

  it("sends with an injected Producer and refuses anything else", async () => {
    const client = new Producer({ clientId: "injected", bootstrapBrokers: [brokers] });
    const stream = await registry.open(
      "stream",
      "tx",
      { url: `kafka://${brokers}/${topic}`, client },
      context,
    );
    expect(stream.as(Producer)).toBe(client);
    await stream.send(
      [{ key: "k", value: new Uint8Array([1]), headers: {}, timestamp: Date.now() }],
      AbortSignal.timeout(5000),
    );
    await stream.close();
    await client.close();
    await expect(
      registry.open("stream", "tx", { url: `kafka://${brokers}/${topic}`, client: {} }, context),
    ).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/Producer/) });
  });
});
