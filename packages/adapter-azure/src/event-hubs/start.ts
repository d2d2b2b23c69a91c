import { earliestEventPosition, latestEventPosition } from "@azure/event-hubs";
import type { EventPosition } from "@azure/event-hubs";
import type { StartPosition } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";

/**
 * The SDK start position for core's, used only where the consumer group has
 * no checkpoint: `earliest`, `latest`, an enqueued time (exclusive, the
 * service's clock), or per partition a sequence number to start at
 * (partitions not listed start at the earliest event).
 */
export function eventPositionFor(
  start: StartPosition,
  partitionIds: readonly string[],
): EventPosition | Record<string, EventPosition> {
  if (start === "earliest") return earliestEventPosition;
  if (start === "latest") return latestEventPosition;
  if ("timestamp" in start) return { enqueuedOn: start.timestamp };
  const positions: Record<string, EventPosition> = {};
  for (const id of partitionIds) {
    const given = start.offsets[id];
    if (given === undefined) {
      positions[id] = earliestEventPosition;
      continue;
    }
    const sequenceNumber = Number(given.split(":")[0]);
    if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0) {
      throw new SwitchyardError(
        "InvalidArgument",
        `start offset "${given}" of partition ${id} is not a sequence number — give one (or a position <sequence>:<offset> this stream returned)`,
      );
    }
    positions[id] = { sequenceNumber, isInclusive: true };
  }
  for (const id of Object.keys(start.offsets)) {
    if (!partitionIds.includes(id)) {
      throw new SwitchyardError(
        "InvalidArgument",
        `start offsets name partition "${id}"; the hub has ${partitionIds.join(", ")}`,
      );
    }
  }
  return positions;
}
