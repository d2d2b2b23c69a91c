import { rmSync } from "node:fs";
import { PubSub } from "@google-cloud/pubsub";
import { Stream, raw } from "@switchyard/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Gate } from "../../../../test/fault/pubsub-gate.js";
import { killServer } from "../../../../test/fault/outage.js";
import { makeRunDir } from "../../../../test/harness/paths.js";
import { freePort } from "../../../../test/harness/ports.js";
import type { ServiceProcess } from "../../../../test/harness/processes.js";
import { describeService } from "../../../../test/harness/suite.js";
import { launchPubSub } from "../../../../test/services/pubsub.js";
import { PubSubStream } from "./stream.js";

const PROJECT = "switchyard-test";
const text = (value: Uint8Array) => new TextDecoder().decode(value);

// Uses an emulator of its own, which it restarts; the harness's shared one tells whether it runs here.
describeService("pubsub", "Pub/Sub consumer across an emulator restart", () => {
  let dir = "";
  let port = 0;
  let server: ServiceProcess | undefined;
  let gate: Gate | undefined;
  let stream: PubSubStream | undefined;

  beforeAll(async () => {
    dir = makeRunDir("pubsub-consumer");
    port = await freePort();
    server = await launchPubSub(port, dir);
    gate = new Gate(await freePort(), port);
    await gate.open();
  }, 90_000);

  afterAll(async () => {
    await stream?.close();
    await gate?.shut();
    await server?.stop(2000);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Creates the topic and its ordered subscription on the emulator itself (not through the gate). */
  async function createTopic(): Promise<void> {
    const admin = new PubSub({ projectId: PROJECT, apiEndpoint: `127.0.0.1:${port}`, emulatorMode: true });
    const [topic] = await admin.createTopic("restarted");
    await topic.createSubscription("restarted-sub", { enableMessageOrdering: true });
    await topic.publishMessage({ data: Buffer.from(`message ${Date.now()}`), orderingKey: "k" });
    await admin.close();
  }

  it(
    "settles each record it handed out, even when a restarted server reuses an ack id it held",
    // A relaunched emulator and the client's reconnect backoff took over a minute in a loaded CI run.
    { timeout: 200_000 },
    async () => {
      await createTopic();
      const client = new PubSub({ projectId: PROJECT, apiEndpoint: gate!.host, emulatorMode: true });
      stream = new PubSubStream(new URL(`pubsub://${PROJECT}/restarted?subscription=restarted-sub`), {
        client,
      });
      const sub = await new Stream(stream, { name: "restarted", codec: raw() }).subscribe({ group: "g" });
      const held = await sub.receive(AbortSignal.timeout(30_000));
      expect(held?.records).toHaveLength(1);

      // The emulator starts again empty and numbers its ack ids from the start again.
      await gate!.shut();
      await killServer(server!);
      server = await launchPubSub(port, dir);
      await createTopic();
      await gate!.open();
      // The client reconnects with its own backoff, which grows while the server is away.
      const fresh = await sub.receive(AbortSignal.timeout(120_000));
      expect(fresh?.records).toHaveLength(1);
      const first = text(fresh!.records[0]!.value);

      // Acking the record of the old server must not ack the new one: nacked, it comes back.
      sub.ack(held!.records);
      await sub.commit();
      // The client sends acks and nacks from queues of their own, each flushed within 100 ms: the ack goes first.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await sub.nack(fresh!.records);
      const again = await sub.receive(AbortSignal.timeout(30_000));
      expect(again?.records.map((r) => text(r.value))).toEqual([first]);
      sub.ack(again!.records);
      await sub.close();
      await client.close();
    },
  );
});
