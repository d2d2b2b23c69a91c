/**
 * @switchyard/adapter-aws — AWS for Switchyard: Kinesis streams with shard
 * leases in DynamoDB (KCL-compatible lease table).
 */
export { aws } from "./register.js";
export { KinesisStream } from "./kinesis/stream.js";
export type { KinesisStreamOptions } from "./kinesis/stream.js";
export { KinesisConsumer } from "./kinesis/consumer.js";
export { parseKinesisUrl } from "./kinesis/options.js";
export type { KinesisSettings } from "./kinesis/options.js";
export { deaggregate } from "./kinesis/kpl.js";
export type { SubRecord } from "./kinesis/kpl.js";
export type { Lease } from "./kinesis/lease.js";
export { awsErrorCode } from "./errors.js";
