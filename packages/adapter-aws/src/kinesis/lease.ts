/**
 * A shard lease as the Kinesis Client Library stores it in its DynamoDB lease
 * table, and its translation to and from DynamoDB items. The attribute names
 * and meanings are the KCL's, so a KCL application and a Switchyard pipeline
 * can hand a stream's table to each other.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** The checkpoint sentinel of a shard whose every record is done (the shard is closed and read to its end). */
export const SHARD_END = "SHARD_END";
/** The checkpoint sentinels a lease may start with before any record is done. */
export type StartSentinel = "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP";

/** One shard's lease. */
export interface Lease {
  /** The shard id (`leaseKey`, the table's hash key). */
  leaseKey: string;
  /** The worker holding it (`leaseOwner`); undefined when unassigned. */
  leaseOwner: string | undefined;
  /** The optimistic lock, raised by every write (`leaseCounter`). */
  leaseCounter: number;
  /** The last done record's sequence number, or a sentinel (`checkpoint`). */
  checkpoint: string;
  /** The last done sub-record of a KPL aggregate at `checkpoint` (`checkpointSubSequenceNumber`). */
  checkpointSubSequenceNumber: number;
  /** Owner changes since the last checkpoint (`ownerSwitchesSinceCheckpoint`). */
  ownerSwitchesSinceCheckpoint: number;
  /** The member finishing a lease handed to `leaseOwner` (the KCL 3.x graceful handoff), if any. */
  checkpointOwner?: string | undefined;
  /** The shard's parents, to finish before it (`parentShardId`, a string set: the KCL's name is singular). */
  parentShardIds: string[];
}

/** Whether a checkpoint is a sentinel rather than a sequence number. */
export function isSentinel(checkpoint: string): boolean {
  return !/^\d+$/.test(checkpoint);
}

/** The DynamoDB item of a new lease (no owner). */
export function leaseItem(lease: Lease): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    leaseKey: { S: lease.leaseKey },
    leaseCounter: { N: String(lease.leaseCounter) },
    checkpoint: { S: lease.checkpoint },
    checkpointSubSequenceNumber: { N: String(lease.checkpointSubSequenceNumber) },
    ownerSwitchesSinceCheckpoint: { N: String(lease.ownerSwitchesSinceCheckpoint) },
  };
  if (lease.leaseOwner !== undefined) item.leaseOwner = { S: lease.leaseOwner };
  if (lease.parentShardIds.length > 0) item.parentShardId = { SS: lease.parentShardIds };
  return item;
}

/** A lease read from its DynamoDB item; missing numbers read as 0, as the KCL reads them. */
export function leaseFromItem(item: Record<string, AttributeValue>): Lease | undefined {
  const key = item.leaseKey?.S;
  if (key === undefined) return undefined;
  return {
    leaseKey: key,
    leaseOwner: item.leaseOwner?.S,
    leaseCounter: Number(item.leaseCounter?.N ?? 0),
    checkpoint: item.checkpoint?.S ?? "TRIM_HORIZON",
    checkpointSubSequenceNumber: Number(item.checkpointSubSequenceNumber?.N ?? 0),
    ownerSwitchesSinceCheckpoint: Number(item.ownerSwitchesSinceCheckpoint?.N ?? 0),
    parentShardIds: item.parentShardId?.SS ?? [],
    checkpointOwner: item.checkpointOwner?.S,
  };
}
