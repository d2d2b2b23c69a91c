/**
 * Removing Kafka topics a test made, so a run leaves nothing behind on a
 * shared broker.
 */
import { Admin } from "@platformatic/kafka";

/** How long a deleted Kafka topic may take to disappear from the metadata, ms. */
const TOPIC_GONE_MS = 15_000;

/** Deletes the topics that exist and waits until the broker no longer lists them. */
export async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: "switchyard-e2e", bootstrapBrokers: brokers.split(",") });
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length === 0) return;
    await admin.deleteTopics({ topics: doomed });
    const deadline = Date.now() + TOPIC_GONE_MS;
    for (;;) {
      const left = new Set(await admin.listTopics());
      if (!doomed.some((t) => left.has(t))) return;
      if (Date.now() > deadline)
        throw new Error(`kafka topics ${doomed.join(", ")} still listed after deletion`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}
