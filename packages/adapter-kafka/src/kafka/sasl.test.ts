import type { StreamDriver } from "@switchyard/core/driver";
import { expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { KAFKA_SASL_PASSWORD, KAFKA_SASL_USER } from "../../../../test/services/kafka.js";
import { kafka } from "../register.js";

const handler = kafka().schemes[0]!;
const open = async (url: string) =>
  (await handler.create(new URL(url), { name: "sasl", baseDir: "." })) as StreamDriver;

describeService("kafka", "kafka streams over SASL", (env) => {
  const brokers = env.SWITCHYARD_KAFKA_SASL_BROKERS!;
  const user = KAFKA_SASL_USER;
  const password = KAFKA_SASL_PASSWORD;

  it.each(["plain", "scram-sha-256", "scram-sha-512"])(
    "produces and consumes with sasl=%s",
    async (mechanism) => {
      const topic = `sasl-${mechanism}-${process.pid}`;
      const stream = await open(
        `kafka://${user}:${password}@${brokers}/${topic}?create=true&sasl=${mechanism}`,
      );
      try {
        await stream.send(
          [{ key: "k", value: Buffer.from(mechanism), headers: {}, timestamp: Date.now() }],
          AbortSignal.timeout(10_000),
        );
        const consumer = await stream.openConsumer({
          group: `g-${topic}`,
          start: "earliest",
          consumerName: "c",
        });
        const got = [];
        for (let i = 0; i < 10 && got.length === 0; i++)
          got.push(...(await consumer.receive(10, AbortSignal.timeout(1000))));
        expect(Buffer.from(got[0]!.value).toString()).toBe(mechanism);
        await consumer.close();
      } finally {
        await stream.close();
      }
    },
  );

  it("fails Unauthenticated on a wrong password, without showing it", async () => {
    const attempt = open(
      `kafka://${brokers}/t?sasl=scram-sha-256&username=${user}&password=not-it&connectTimeoutMs=5000`,
    );
    await expect(attempt).rejects.toMatchObject({ code: "Unauthenticated" });
    await expect(attempt).rejects.toThrow(/refused the credentials \(sasl=scram-sha-256\)/);
    await expect(attempt).rejects.not.toThrow(/not-it/);
  });
});
