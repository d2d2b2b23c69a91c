/**
 * @switchyard/adapter-kafka — Apache Kafka streams for Switchyard (also Event
 * Hubs' Kafka endpoint, MSK and Confluent Cloud), on @platformatic/kafka.
 */
export { kafka } from "./register.js";
export type { KafkaAdapterOptions } from "./register.js";
export { KafkaStream } from "./kafka/stream.js";
export type { KafkaStreamSetup } from "./kafka/stream.js";
export { KafkaConsumer } from "./kafka/consumer.js";
export { KAFKA_DEFAULTS, KAFKA_PARAMS, parseKafkaUrl } from "./kafka/options.js";
export type { KafkaCompression, KafkaSaslMechanism, KafkaStreamOptions } from "./kafka/options.js";
export { kafkaErrorCode } from "./kafka/errors.js";
export { murmur2, partitionForKey } from "./kafka/transform.js";
