import { ResourceResolver, Stream, defineConfig } from "@switchyard/core";

const config = defineConfig({ profiles: { local: { streams: { clicks: "memory://clicks?partitions=1" } } } });
const resolver = new ResourceResolver(config, "local");
const clicks = new Stream<{ page: string }>(await resolver.open("stream", "clicks"), { name: "clicks" });

const sent = await clicks.publish(["/", "/pricing", "/docs"].map((page) => ({ value: { page } })));
console.log(`ids at send: ${sent.map((result) => result.id).join(" ")}`);

const subscription = await clicks.subscribe({ group: "analytics", maxBatch: 2, commitIntervalMs: 60_000 });
const batch = await subscription.receive(AbortSignal.timeout(5000));
console.log(`ids received: ${batch?.records.map((record) => record.id).join(" ")}`);
console.log(`lag before commit: ${JSON.stringify(await subscription.lag())}`);

subscription.ack(batch?.records ?? []);
await subscription.commit();
console.log(`lag after commit: ${JSON.stringify(await subscription.lag())}`);

await subscription.close();
await resolver.close();
