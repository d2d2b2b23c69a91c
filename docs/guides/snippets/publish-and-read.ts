import { ResourceResolver, Stream, defineConfig, json } from "@switchyard/core";

interface Order {
  id: string;
  total: number;
}

const config = defineConfig({
  profiles: { local: { streams: { orders: "memory://orders?partitions=2" } } },
});
const resolver = new ResourceResolver(config, "local");
const orders = new Stream(await resolver.open("stream", "orders"), { name: "orders", codec: json<Order>() });

// Publish: one result per record, once the stream has acknowledged all of them.
const sent = await orders.publish([
  { key: "o-1", value: { id: "o-1", total: 12.5 } },
  { key: "o-2", value: { id: "o-2", total: 99 } },
]);
console.log(`published ${sent.length} records`);

// Read in a consumer group: batches of one partition at a time.
const subscription = await orders.subscribe({ group: "reporting", start: "earliest" });
const seen: string[] = [];
while (seen.length < sent.length) {
  const batch = await subscription.receive(AbortSignal.timeout(5000));
  if (batch === undefined) break; // the signal ran out
  for (const record of batch.records) seen.push(`${record.value.id} ${record.value.total}`);
  for (const bad of batch.undecodable) console.error(`record ${bad.raw.id}: ${bad.error.message}`);
  // Acknowledged records become committable once every earlier record of their partition is.
  subscription.ack(batch.records);
  subscription.ack(batch.undecodable);
}
console.log(seen.sort().join("\n"));

await subscription.close(); // commits what was acknowledged, then leaves the group
await resolver.close();
