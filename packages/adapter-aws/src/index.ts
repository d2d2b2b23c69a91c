/**
 * @switchyard/adapter-aws — AWS for Switchyard: Kinesis streams with shard
 * leases in DynamoDB (KCL-compatible lease table), DynamoDB state stores, Timestream sinks
 * and SageMaker model endpoints.
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
export { DynamoDBStateStore } from "./dynamodb/state-store.js";
export type { DynamoDBStateStoreOptions } from "./dynamodb/state-store.js";
export { parseDynamoDBUrl } from "./dynamodb/options.js";
export type { DynamoDBSettings } from "./dynamodb/options.js";
export { TimestreamSink } from "./timestream/sink.js";
export type { TimestreamSinkOptions } from "./timestream/sink.js";
export { parseTimestreamUrl } from "./timestream/options.js";
export type { TimestreamSettings } from "./timestream/options.js";
export { SageMakerEndpoint } from "./sagemaker/endpoint.js";
export type { SageMakerEndpointOptions } from "./sagemaker/endpoint.js";
export { parseSageMakerUrl } from "./sagemaker/options.js";
export type { SageMakerFormat, SageMakerSettings } from "./sagemaker/options.js";
export { awsErrorCode } from "./errors.js";
