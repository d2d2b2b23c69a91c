import type { Adapter, DriverContext, SchemeHandler } from "@switchyard/core/driver";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { TimestreamWriteClient } from "@aws-sdk/client-timestream-write";
import { SwitchyardError } from "@switchyard/core/driver";
import { DYNAMODB_PARAMS, parseDynamoDBUrl } from "./dynamodb/options.js";
import { DynamoDBStateStore } from "./dynamodb/state-store.js";
import { TIMESTREAM_PARAMS, parseTimestreamUrl } from "./timestream/options.js";
import { TimestreamSink } from "./timestream/sink.js";
import { KINESIS_PARAMS, parseKinesisUrl } from "./kinesis/options.js";
import { KinesisStream } from "./kinesis/stream.js";
import { SAGEMAKER_PARAMS, parseSageMakerUrl } from "./sagemaker/options.js";
import { SageMakerEndpoint } from "./sagemaker/endpoint.js";

/** The injected client of a resource, if it is an instance of `type`; throws naming the expected class otherwise. */
export function injected<T>(
  context: DriverContext,
  type: abstract new (...args: never) => T,
  what: string,
): T | undefined {
  if (context.client === undefined) return undefined;
  if (context.client instanceof type) return context.client;
  throw new SwitchyardError(
    "InvalidArgument",
    `resource "${context.name}": the injected client must be a ${what}`,
  );
}

const kinesisScheme: SchemeHandler<"stream"> = {
  kind: "stream",
  scheme: "kinesis",
  params: KINESIS_PARAMS,
  create(url, context) {
    const client = injected(context, KinesisClient, "KinesisClient from @aws-sdk/client-kinesis");
    return new KinesisStream(parseKinesisUrl(url), client === undefined ? {} : { client });
  },
};

const dynamodbScheme: SchemeHandler<"state"> = {
  kind: "state",
  scheme: "dynamodb",
  params: DYNAMODB_PARAMS,
  create(url, context) {
    const client = injected(context, DynamoDBClient, "DynamoDBClient from @aws-sdk/client-dynamodb");
    return new DynamoDBStateStore(parseDynamoDBUrl(url), client === undefined ? {} : { client });
  },
};

const timestreamScheme: SchemeHandler<"timeseries"> = {
  kind: "timeseries",
  scheme: "timestream",
  params: TIMESTREAM_PARAMS,
  create(url, context) {
    const client = injected(
      context,
      TimestreamWriteClient,
      "TimestreamWriteClient from @aws-sdk/client-timestream-write",
    );
    return new TimestreamSink(parseTimestreamUrl(url), client === undefined ? {} : { client });
  },
};

const sagemakerScheme: SchemeHandler<"model"> = {
  kind: "model",
  scheme: "sagemaker",
  params: SAGEMAKER_PARAMS,
  create(url, context) {
    const client = injected(
      context,
      SageMakerRuntimeClient,
      "SageMakerRuntimeClient from @aws-sdk/client-sagemaker-runtime",
    );
    return new SageMakerEndpoint(parseSageMakerUrl(url), client === undefined ? {} : { client });
  },
};

/**
 * The AWS adapter: `kinesis://stream` streams (shard leases in DynamoDB) and
 * `dynamodb://table` state stores, `timestream://database/table` sinks and
 * `sagemaker://endpoint` models.
 * Add `aws()` to the config's adapters.
 */
export function aws(): Adapter {
  return {
    name: "@switchyard/adapter-aws",
    schemes: [kinesisScheme, dynamodbScheme, timestreamScheme, sagemakerScheme],
  };
}
