import { ResourceResolver, Stream, defineConfig, pipeline, run } from "@switchyard/core";

interface Payment {
  card: string;
  amount: number;
}

const config = defineConfig({
  profiles: {
    local: {
      streams: { payments: "memory://payments", large: "memory://large", "dead-letters": "memory://dlq" },
    },
  },
});
const resolver = new ResourceResolver(config, "local");

const large = pipeline<typeof config>("large-payments")
  .from<Payment>("payments")
  .filter((payment) => payment.amount >= 1000)
  .to("large");

// run() takes the resources from any ResourceSource; a ResourceResolver reads them from a config.
const running = run(large, { resolver });
await running.ready; // every resource is open and the source subscribed

const payments = new Stream<Payment>(await resolver.open("stream", "payments"), { name: "payments" });
await payments.publish([{ value: { card: "c1", amount: 5 } }, { value: { card: "c2", amount: 5000 } }]);

while (running.stats().processed < 2) await new Promise((resolve) => setTimeout(resolve, 20));
const summary = await running.stop(); // drains, flushes and commits
console.log(`processed ${summary.processed}, dead letters ${summary.deadLetters}`);
await resolver.close(); // the run never closes the resolver it was given
