import type { Producer } from "@platformatic/kafka";
import type { Adapter, DriverContext, SchemeHandler, StreamDriver } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { Producer as ProducerClass } from "@platformatic/kafka";
import { KAFKA_PARAMS, parseKafkaUrl, type KafkaStreamOptions } from "./kafka/options.js";
import { KafkaStream } from "./kafka/stream.js";

/** Options of the Kafka adapter: defaults for every `kafka://` stream, which URL parameters override. */
export type KafkaAdapterOptions = Partial<Omit<KafkaStreamOptions, "brokers" | "topic">>;

function injectedProducer(context: DriverContext): Producer | undefined {
  if (context.client === undefined) return undefined;
  if (context.client instanceof ProducerClass) return context.client;
  throw new SwitchyardError(
    "InvalidArgument",
    `resource "${context.name}": the injected Kafka client must be a @platformatic/kafka Producer`,
  );
}

/**
 * The Kafka adapter: registers `kafka://host:port[,host:port]/topic?…` streams.
 * Add `kafka()` to the config's adapters.
 */
export function kafka(options: KafkaAdapterOptions = {}): Adapter {
  const stream: SchemeHandler<"stream"> = {
    kind: "stream",
    scheme: "kafka",
    params: KAFKA_PARAMS,
    async create(url: URL, context: DriverContext): Promise<StreamDriver> {
      const resolved = parseKafkaUrl(url, options, context.baseDir);
      const client = injectedProducer(context);
      return KafkaStream.open(resolved, client === undefined ? {} : { client });
    },
  };
  return { name: "@switchyard/adapter-kafka", schemes: [stream] };
}
