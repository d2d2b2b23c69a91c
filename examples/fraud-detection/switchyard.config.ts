/**
 * Where the fraud pipeline's resources live, per profile. The pipeline refers
 * to them by name (`transactions`, `features`, `fraud` ...), so switching the
 * profile moves it between the embedded default, Kafka, Redis and the clouds.
 *
 * `local` uses only what ships inside @switchyard/core, and so does `serving`,
 * which is `local` with the model on a model server. Every other profile
 * needs an adapter package, listed by name below: core imports a package only
 * when the profile being run uses one of its schemes, so a project that never
 * uses a cloud never loads (and need not install) its SDK.
 */
import { defineConfig } from "@switchyard/core";

const model = "onnx:./model/fraud.onnx";
// Every name on a shared server carries the run (`FRAUD_RUN`, set by the demo to
// a name of its own per run), so no run reads what another left behind.
const scores = "file:./.cache/${FRAUD_RUN:-fraud}.scores.ndjson";

const local = {
  streams: {
    transactions: "memory://transactions?partitions=4",
    alerts: "memory://alerts",
    "dead-letters": "memory://dead-letters",
  },
  state: { features: "memory://features" },
  models: { fraud: model },
  timeseries: { fraud_scores: "memory://fraud_scores" },
};

export default defineConfig({
  adapters: [
    "@switchyard/adapter-kafka",
    "@switchyard/adapter-redis",
    "@switchyard/adapter-aws",
    "@switchyard/adapter-azure",
    "@switchyard/adapter-gcp",
  ],
  profiles: {
    local,
    // `local`, scoring on a model server over the Open Inference Protocol v2
    // (`switchyard serve-model model/fraud.onnx`); core speaks kserve:// itself.
    // Up to 256 rows per request: at the default 64 the round trips, not the model, cap the rate.
    serving: { ...local, models: { fraud: "kserve://${MODEL_SERVER:-127.0.0.1:8080}/fraud?maxBatch=256" } },
    kafka: {
      streams: {
        transactions:
          "kafka://${KAFKA_BROKERS:-127.0.0.1:9092}/${FRAUD_RUN:-fraud}.transactions?partitions=6&create=true",
        alerts:
          "kafka://${KAFKA_BROKERS:-127.0.0.1:9092}/${FRAUD_RUN:-fraud}.alerts?partitions=6&create=true",
        "dead-letters":
          "kafka://${KAFKA_BROKERS:-127.0.0.1:9092}/${FRAUD_RUN:-fraud}.dead-letters?partitions=1&create=true",
      },
      state: { features: "redis://${REDIS_HOST:-127.0.0.1:6379}/0?keyPrefix=${FRAUD_RUN:-fraud}:" },
      models: { fraud: model },
      timeseries: { fraud_scores: scores },
    },
    redis: {
      streams: {
        transactions:
          "redis-stream://${REDIS_HOST:-127.0.0.1:6379}/${FRAUD_RUN:-fraud}.transactions?partitions=4",
        alerts: "redis-stream://${REDIS_HOST:-127.0.0.1:6379}/${FRAUD_RUN:-fraud}.alerts",
        "dead-letters": "redis-stream://${REDIS_HOST:-127.0.0.1:6379}/${FRAUD_RUN:-fraud}.dead-letters",
      },
      state: { features: "redis://${REDIS_HOST:-127.0.0.1:6379}/0?keyPrefix=${FRAUD_RUN:-fraud}:" },
      models: { fraud: model },
      timeseries: { fraud_scores: scores },
    },
    // Streams and tables carry the run and are created on first use (`create=true`).
    aws: {
      streams: {
        transactions:
          "kinesis://${FRAUD_RUN:-fraud}.transactions?region=${AWS_REGION:-us-east-1}&create=true&shards=4",
        alerts: "kinesis://${FRAUD_RUN:-fraud}.alerts?region=${AWS_REGION:-us-east-1}&create=true",
        "dead-letters":
          "kinesis://${FRAUD_RUN:-fraud}.dead-letters?region=${AWS_REGION:-us-east-1}&create=true",
      },
      state: {
        features: "dynamodb://${FRAUD_RUN:-fraud}.features?region=${AWS_REGION:-us-east-1}&create=true",
      },
      models: { fraud: model },
      timeseries: {
        fraud_scores:
          "timestream://fraud/${FRAUD_RUN:-fraud}.scores?region=${AWS_REGION:-us-east-1}&create=true",
      },
    },
    // Event hubs are made through Azure Resource Manager, never by a client: create the run's hubs
    // (`<run>.transactions`, `<run>.alerts`, `<run>.dead-letters`) first. Each run's Cosmos DB database is created.
    azure: {
      streams: {
        transactions:
          "eventhubs://${EVENTHUBS_NAMESPACE}.servicebus.windows.net/${FRAUD_RUN:-fraud}.transactions",
        alerts: "eventhubs://${EVENTHUBS_NAMESPACE}.servicebus.windows.net/${FRAUD_RUN:-fraud}.alerts",
        "dead-letters":
          "eventhubs://${EVENTHUBS_NAMESPACE}.servicebus.windows.net/${FRAUD_RUN:-fraud}.dead-letters",
      },
      state: { features: "cosmos://${COSMOS_ACCOUNT}/${FRAUD_RUN:-fraud}/features?create=true" },
      models: { fraud: model },
      timeseries: { fraud_scores: "cosmos://${COSMOS_ACCOUNT}/${FRAUD_RUN:-fraud}/scores?create=true" },
    },
    // Topics, subscriptions and tables are created on first use; alerts and dead letters keep a day
    // of messages, so a reader that subscribes later can still replay them. The scorer's subscription
    // is named per run, as subscription names are the project's, not the topic's.
    gcp: {
      streams: {
        transactions:
          "pubsub://${GCP_PROJECT}/${FRAUD_RUN:-fraud}.transactions?create=true&subscription=${FRAUD_RUN:-fraud}.scorer",
        alerts: "pubsub://${GCP_PROJECT}/${FRAUD_RUN:-fraud}.alerts?create=true&retentionSeconds=86400",
        "dead-letters":
          "pubsub://${GCP_PROJECT}/${FRAUD_RUN:-fraud}.dead-letters?create=true&retentionSeconds=86400",
      },
      state: {
        features:
          "bigtable://${GCP_PROJECT}/${BIGTABLE_INSTANCE:-fraud}/features?create=true&keyPrefix=${FRAUD_RUN:-fraud}:",
      },
      models: { fraud: model },
      timeseries: {
        fraud_scores:
          "bigtable://${GCP_PROJECT}/${BIGTABLE_INSTANCE:-fraud}/scores?create=true&keyPrefix=${FRAUD_RUN:-fraud}:",
      },
    },
  },
});
