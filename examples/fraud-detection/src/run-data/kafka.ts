import { Admin } from "@platformatic/kafka";
import type { BaseOptions } from "@platformatic/kafka";
import { parseKafkaUrl } from "@switchyard/adapter-kafka";
import type { RunDataEngine } from "./engine.js";
import { countOf, runNameRegExp } from "./engine.js";
import type { RunResource } from "./resources.js";

/** Earliest and latest offsets, as ListOffsets asks for them. */
const EARLIEST = -2n;
const LATEST = -1n;
/** How long a deleted topic may take to leave the metadata, ms. */
const TOPIC_GONE_MS = 15_000;

/** An admin client on the brokers, TLS and credentials of a `kafka://` URL, and its topic. */
function adminOf(resource: RunResource): { admin: Admin; topic: string } {
  // The run pattern's `*` is not a topic character; the topic is matched by hand below.
  const options = parseKafkaUrl(new URL(resource.url.replaceAll("*", "_")));
  const base: BaseOptions = {
    clientId: "fraud-demo-runs",
    bootstrapBrokers: options.brokers,
    connectTimeout: options.connectTimeoutMs,
    timeout: options.requestTimeoutMs,
  };
  if (options.tls) base.tls = {};
  if (options.sasl !== undefined) base.sasl = { ...options.sasl };
  const topic = decodeURIComponent(new URL(resource.url).pathname.replace(/^\/+/, ""));
  return { admin: new Admin(base), topic };
}

async function recordsOn(admin: Admin, topic: string, partitions: number): Promise<number> {
  const at = async (timestamp: bigint) => {
    const indexes = Array.from({ length: partitions }, (_, partitionIndex) => ({
      partitionIndex,
      timestamp,
    }));
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: indexes }] });
    return listed?.partitions.reduce((sum, p) => sum + Number(p.offset), 0) ?? 0;
  };
  return (await at(LATEST)) - (await at(EARLIEST));
}

async function committedOn(admin: Admin, topic: string, group: string): Promise<number> {
  const [found] = await admin.listConsumerGroupOffsets({ groups: [group] });
  const partitions = found?.topics.find((t) => t.name === topic)?.partitions ?? [];
  return partitions.filter((p) => p.committedOffset >= 0n).length;
}

/** Kafka topics: records held and the group's committed offsets; removal deletes the matching topics. */
export const kafkaRunData: RunDataEngine = {
  async inspect(resource, _baseDir, group) {
    const { admin, topic } = adminOf(resource);
    try {
      if (!(await admin.listTopics()).includes(topic)) return [];
      const metadata = await admin.metadata({ topics: [topic] });
      const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const warnings: string[] = [];
      const records = await recordsOn(admin, topic, partitions);
      if (records > 0) warnings.push(`${resource.name} already holds ${countOf(records, "record")}`);
      if (group !== undefined && (await committedOn(admin, topic, group)) > 0) {
        warnings.push(`group "${group}" has a committed position on ${resource.name}: it resumes there`);
      }
      return warnings;
    } finally {
      await admin.close().catch(() => undefined);
    }
  },

  async remove(pattern) {
    const { admin, topic } = adminOf(pattern);
    try {
      const matches = runNameRegExp(topic);
      const doomed = (await admin.listTopics()).filter((t) => matches.test(t));
      if (doomed.length === 0) return [];
      await admin.deleteTopics({ topics: doomed });
      const deadline = Date.now() + TOPIC_GONE_MS;
      while ((await admin.listTopics()).some((t) => doomed.includes(t)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return doomed.map((t) => `kafka topic ${t}`);
    } finally {
      await admin.close().catch(() => undefined);
    }
  },
};
