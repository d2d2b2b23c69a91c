/** The shards of a stream and their lineage, read with ListShards. */
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { ListShardsCommand } from "@aws-sdk/client-kinesis";

/** One shard: its id, its parents (one after a split, two after a merge) and whether it is closed. */
export interface ShardInfo {
  /** The shard id. */
  id: string;
  /** Parent shard ids, in the order ListShards gives them. */
  parents: string[];
  /** Whether the shard is closed (it has an ending sequence number): it takes no new records. */
  closed: boolean;
}

/** Every shard of `stream`, following ListShards pages. */
export async function listShards(
  client: KinesisClient,
  stream: string,
  signal: AbortSignal,
): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let token: string | undefined;
  do {
    const reply = await client.send(
      new ListShardsCommand(token === undefined ? { StreamName: stream } : { NextToken: token }),
      { abortSignal: signal },
    );
    for (const s of reply.Shards ?? []) {
      if (s.ShardId === undefined) continue;
      const parents = [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => p !== undefined);
      shards.push({
        id: s.ShardId,
        parents,
        closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      });
    }
    token = reply.NextToken;
  } while (token !== undefined);
  return shards;
}
