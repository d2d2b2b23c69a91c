import {
  DEFAULT_RETRY,
  ERROR_CODES,
  ResourceResolver,
  Stream,
  SwitchyardError,
  defineConfig,
  isRetryable,
  pipeline,
  run,
} from "@switchyard/core";

console.log(`default policy: ${JSON.stringify(DEFAULT_RETRY)}`);
console.log(`retried: ${ERROR_CODES.filter((code) => isRetryable(code)).join(", ")}`);

const config = defineConfig({
  profiles: {
    local: { streams: { jobs: "memory://jobs", done: "memory://done", "dead-letters": "memory://dead" } },
  },
});
const resolver = new ResourceResolver(config, "local");

let calls = 0;
const flaky = pipeline<typeof config>("flaky")
  .from<{ id: number }>("jobs")
  .map((job) => {
    calls++;
    // Record 1 meets an outage twice, then goes through; record 2 is wrong, which waiting cannot fix.
    if (job.id === 1 && calls <= 2) throw new SwitchyardError("Unavailable", "service away");
    if (job.id === 2) throw new SwitchyardError("InvalidArgument", "job 2 has no owner");
    return job;
  })
  .to("done")
  .configure({ retry: { maxAttempts: 4, initialDelayMs: 10 } });

const running = run(flaky, { resolver, warn: () => undefined });
await running.ready;
await new Stream(await resolver.open("stream", "jobs"), { name: "jobs" }).publish([
  { key: "a", value: { id: 1 } },
  { key: "b", value: { id: 2 } },
]);
// A dead-lettered record counts as processed: it is done, and its position can be committed.
while (running.stats().processed < 2) await new Promise((resolve) => setTimeout(resolve, 20));
const summary = await running.stop();
console.log(`processed ${summary.processed}, dead letters ${summary.deadLetters}`);
await resolver.close();
