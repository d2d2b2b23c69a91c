/** Creating a stream that a `create=true` URL names, once, when it is missing. */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from "@aws-sdk/client-kinesis";
import { awsErrorCode } from "../errors.js";

/**
 * Creates `stream` with `shards` shards (on-demand streams need no count, but
 * a count keeps emulators and provisioned accounts alike) and resolves once it
 * is ACTIVE. A stream created meanwhile by another member is fine.
 */
export async function createStreamIfMissing(
  client: KinesisClient,
  stream: string,
  shards: number,
  signal: AbortSignal,
): Promise<void> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }), {
      abortSignal: signal,
    });
  } catch (err) {
    if ((err as { name?: unknown }).name !== "ResourceInUseException") throw err;
  }
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const reply = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }), {
        abortSignal: signal,
      });
      if (reply.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    } catch (err) {
      // Just created: some endpoints answer NotFound for a moment.
      if (awsErrorCode(err) !== "NotFound") throw err;
    }
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
