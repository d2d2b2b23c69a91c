import { Stream, raw } from "@switchyard/core";
import type { ResourceResolver } from "@switchyard/core";
import type { CommandIO } from "./command.js";
import { withDeadline } from "./deadline.js";

/** How long closing a profile's connections may take when a command ends, ms. */
const CLOSE_TIMEOUT_MS = 5000;

/** Opens a stream of the profile by name, as raw bytes: the commands move records, they do not interpret them. */
export async function openRawStream(resolver: ResourceResolver, name: string): Promise<Stream<Uint8Array>> {
  const driver = await resolver.open("stream", name);
  return new Stream(driver, { name, codec: raw() });
}

/** Closes the profile's resources, giving up (with a note) on a back end that does not answer. */
export async function closeProfile(resolver: ResourceResolver, io: CommandIO): Promise<void> {
  await withDeadline(resolver.close(), AbortSignal.timeout(CLOSE_TIMEOUT_MS), CLOSE_TIMEOUT_MS).catch(
    (err: unknown) => io.stderr(`closing resources: ${err instanceof Error ? err.message : String(err)}\n`),
  );
}

/** Leaves a subscription's group, giving up (with a note) on a back end that does not answer. */
export async function closeSubscription(
  subscription: { close(): Promise<void> },
  io: CommandIO,
): Promise<void> {
  await withDeadline(subscription.close(), AbortSignal.timeout(CLOSE_TIMEOUT_MS), CLOSE_TIMEOUT_MS).catch(
    (err: unknown) => io.stderr(`leaving the group: ${err instanceof Error ? err.message : String(err)}\n`),
  );
}
