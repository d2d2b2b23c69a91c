import { randomUUID } from "node:crypto";
import { Stream, raw } from "@switchyard/core";
import type { Subscription } from "@switchyard/core";
import { afterAll, afterEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { useEmulatorCredentials } from "../../../../test/services/aws/node-emulator.js";
import { LeaseTable } from "./lease-table.js";
import { defaultLeaseTable, parseKinesisUrl } from "./options.js";
import { KinesisStream } from "./stream.js";
import { createStream, deleteStream, emulatorClients } from "./test-streams.js";

const FAILOVER_MS = 2000;

describeService("kinesalite", "kinesis lease balancing", (kinesisEnv) => {
  describeService("dynalite", "on dynalite", (dynamoEnv) => {
    useEmulatorCredentials();
    const kinesisEndpoint = kinesisEnv.SWITCHYARD_KINESALITE_ENDPOINT!;
    const dynamodbEndpoint = dynamoEnv.SWITCHYARD_DYNALITE_ENDPOINT!;
    const clients = emulatorClients(kinesisEndpoint, dynamodbEndpoint);
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    });
    afterAll(() => {
      clients.kinesis.destroy();
      clients.dynamodb.destroy();
    });

    /** Polls the group's lease table until `done` holds of the owners of its leases (by shard), or fails after `ms`. */
    async function untilOwners(table: LeaseTable, done: (owners: string[]) => boolean, ms: number) {
      const deadline = Date.now() + ms;
      let owners: string[] = [];
      while (Date.now() < deadline) {
        const leases = await table.scan(AbortSignal.timeout(5000));
        // A lease under handoff is not settled yet: its next owner does not read it.
        owners = leases.map((l) => (l.checkpointOwner === undefined ? (l.leaseOwner ?? "-") : "?"));
        if (done(owners)) return owners;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`lease owners not as expected within ${ms} ms: ${owners.sort().join(" ")}`);
    }

    it("gives a member that joins two members holding two shards each a shard of its own", async () => {
      const name = `test-${randomUUID().slice(0, 12)}`;
      await createStream(clients.kinesis, name, 4);
      cleanup.push(() => deleteStream(clients, name));
      const open = () => {
        const url = `kinesis://${name}?endpoint=${kinesisEndpoint}&leaseEndpoint=${dynamodbEndpoint}&failoverMs=${FAILOVER_MS}`;
        const driver = new KinesisStream(parseKinesisUrl(new URL(url)));
        cleanup.push(() => driver.close());
        return new Stream<Uint8Array>(driver, { name, codec: raw() });
      };
      const group = `g-${randomUUID().slice(0, 8)}`;
      const table = new LeaseTable(clients.dynamodb, defaultLeaseTable(group, name));
      const count = (owners: string[], owner: string) => owners.filter((o) => o === owner).length;

      const subscriptions: Subscription<Uint8Array>[] = [];
      for (const member of ["a", "b"]) {
        subscriptions.push(await open().subscribe({ group, consumerName: member }));
      }
      // a took all four first; b steals one a take cycle until they hold two each.
      await untilOwners(table, (o) => count(o, "a") === 2 && count(o, "b") === 2, FAILOVER_MS * 10);

      const joined = Date.now();
      const c = await open().subscribe({ group, consumerName: "c" });
      subscriptions.push(c);
      await untilOwners(table, (o) => count(o, "c") > 0, FAILOVER_MS * 5);
      const took = Date.now() - joined;
      // Then the group settles at 2-1-1: the member c took from is one below its share and steals nothing back.
      await new Promise((resolve) => setTimeout(resolve, FAILOVER_MS * 2.5));
      const owners = await untilOwners(table, (o) => !o.includes("?"), FAILOVER_MS * 5);
      const held = ["a", "b", "c"].map((m) => count(owners, m));
      expect({ c: held[2], all: [...held].sort() }, `c took its first ${took} ms after it joined`).toEqual({
        c: 1,
        all: [1, 1, 2],
      });

      // And it reads it: records of every shard are published, some reach c.
      await open().publish(
        Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: new TextEncoder().encode(String(i)) })),
      );
      const batch = await c.receive(AbortSignal.timeout(10_000));
      expect(batch?.records.length ?? 0).toBeGreaterThan(0);
      await Promise.all(subscriptions.map((s) => s.close()));
    });
  });
});
