import { randomUUID } from "node:crypto";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { StateStore, raw } from "@switchyard/core";
import { afterAll, afterEach, beforeEach, expect, it } from "vitest";
import { describeService } from "../../../../test/harness/suite.js";
import { useEmulatorCredentials } from "../../../../test/services/aws/node-emulator.js";
import { parseDynamoDBUrl } from "./options.js";
import { DynamoDBStateStore } from "./state-store.js";
import { createTable, deleteTable } from "./test-tables.js";

const encode = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString());

describeService("dynalite", "dynamodb state store", (env) => {
  useEmulatorCredentials();
  const endpoint = env.SWITCHYARD_DYNALITE_ENDPOINT!;
  const admin = new DynamoDBClient({ region: "us-east-1", endpoint, requestHandler: new NodeHttpHandler() });
  afterAll(() => admin.destroy());
  let table = "";
  let store: StateStore<Uint8Array>;

  beforeEach(async () => {
    table = `state-${randomUUID().slice(0, 12)}`;
    await createTable(admin, table, "id");
    const url = new URL(`dynamodb://${table}?endpoint=${endpoint}&ttlAttribute=expires`);
    store = new StateStore(new DynamoDBStateStore(parseDynamoDBUrl(url)), { name: "s", codec: raw() });
  });
  afterEach(async () => {
    await store.close();
    await deleteTable(admin, table);
  });

  it("hides an expired item that DynamoDB has not deleted yet, and stores the TTL attribute in seconds", async () => {
    const before = Date.now();
    await store.put("k", encode("v"), { ttlMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await store.get("k")).toBeUndefined();
    const item = (await admin.send(new GetItemCommand({ TableName: table, Key: { id: { S: "k" } } }))).Item;
    expect(item, "DynamoDB deletes expired items lazily; the item is still there").toBeDefined();
    const seconds = Number(item!.expires!.N);
    expect(seconds).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(seconds).toBeLessThan(before / 1000 + 10);
  });

  it("reads batches over BatchGetItem's 100 keys, repeated keys included, in order", async () => {
    const keys = Array.from({ length: 150 }, (_, i) => `k${i}`);
    await store.putMany(keys.map((key) => ({ key, value: encode(key) })));
    const values = await store.getMany([...keys, "k3", "absent"]);
    expect(values.map(text)).toEqual([...keys, "k3", undefined]);
  });

  it("restarts an expired counter instead of adding to it, and counts on from a decimal value", async () => {
    await store.increment("c", 5, { ttlMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await store.increment("c", 1)).toBe(1);
    expect(text(await store.get("c"))).toBe("1");
    await store.put("d", encode("41"));
    expect(await store.increment("d", 1)).toBe(42);
    await store.put("e", encode("not a number"));
    await expect(store.increment("e", 1)).rejects.toMatchObject({ code: "FailedPrecondition" });
  });

  it("treats an expired item as absent for put-if-absent", async () => {
    await store.put("p", encode("old"), { ttlMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [result] = await store.putMany([{ key: "p", value: encode("new"), ifVersion: null }]);
    expect(result).toMatchObject({ ok: true });
    expect(text(await store.get("p"))).toBe("new");
  });
});
