import type { Adapter, SchemeHandler } from "@switchyard/core/driver";
import { PUBSUB_PARAMS } from "./pubsub/settings.js";
import { PubSubStream } from "./pubsub/stream.js";

const pubsubScheme: SchemeHandler<"stream"> = {
  kind: "stream",
  scheme: "pubsub",
  params: PUBSUB_PARAMS,
  create: (url, context) => new PubSubStream(url, { client: context.client }),
};

/**
 * The Google Cloud adapter: streams on `pubsub://project/topic`. Add `gcp()`
 * to `adapters` in the config. Credentials come from Application Default
 * Credentials; `PUBSUB_EMULATOR_HOST` points the clients at the emulator.
 */
export function gcp(): Adapter {
  return { name: "@switchyard/adapter-gcp", schemes: [pubsubScheme] };
}
