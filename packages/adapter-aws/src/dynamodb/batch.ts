/**
 * BatchGetItem and BatchWriteItem within their limits (100 keys, 25 writes a
 * call, no key twice in one call), sending again what DynamoDB leaves
 * unprocessed. Unprocessed items are part of an answer, not a failure: the
 * call is finished when every item is processed, after a few short pauses,
 * else it fails as ResourceExhausted and core retries it.
 */
import type { AttributeValue, DynamoDBClient, WriteRequest } from "@aws-sdk/client-dynamodb";
import { BatchGetItemCommand, BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import { SwitchyardError } from "@switchyard/core/driver";

/** Most keys in one BatchGetItem call. */
export const MAX_BATCH_GET = 100;
/** Most writes in one BatchWriteItem call. */
export const MAX_BATCH_WRITE = 25;
const UNPROCESSED_ROUNDS = 8;

type Item = Record<string, AttributeValue>;

function pause(round: number, signal: AbortSignal): Promise<void> {
  const ms = Math.min(1000, 25 * 2 ** round) * (0.5 + Math.random() / 2);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

function unprocessed(table: string, what: string, left: number): SwitchyardError {
  return new SwitchyardError(
    "ResourceExhausted",
    `dynamodb table "${table}": ${left} ${what} still unprocessed after ${UNPROCESSED_ROUNDS} rounds — the table is throttled`,
  );
}

/** Reads distinct `keys` (consistent reads); returns the items found by key. */
export async function batchGet(
  client: DynamoDBClient,
  table: string,
  keyAttribute: string,
  keys: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  for (let start = 0; start < keys.length; start += MAX_BATCH_GET) {
    let request: Item[] = keys.slice(start, start + MAX_BATCH_GET).map((k) => ({ [keyAttribute]: { S: k } }));
    for (let round = 0; request.length > 0; round++) {
      if (round === UNPROCESSED_ROUNDS) throw unprocessed(table, "reads", request.length);
      if (round > 0) await pause(round, signal);
      const reply = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: request, ConsistentRead: true } } }),
        { abortSignal: signal },
      );
      for (const item of reply.Responses?.[table] ?? []) {
        const key = item[keyAttribute]?.S;
        if (key !== undefined) found.set(key, item);
      }
      request = reply.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}

/**
 * Applies writes: in rounds, where round r holds the r-th write of each key,
 * so a key written twice is written in order; the calls of one round (25
 * writes each, no key twice) run at once.
 */
export async function batchWrite(
  client: DynamoDBClient,
  table: string,
  writes: readonly { key: string; request: WriteRequest }[],
  signal: AbortSignal,
): Promise<void> {
  const rounds: WriteRequest[][] = [];
  const seen = new Map<string, number>();
  for (const { key, request } of writes) {
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(request);
  }
  for (const round of rounds) {
    const calls: Promise<void>[] = [];
    for (let start = 0; start < round.length; start += MAX_BATCH_WRITE) {
      calls.push(writeCall(client, table, round.slice(start, start + MAX_BATCH_WRITE), signal));
    }
    await Promise.all(calls);
  }
}

async function writeCall(
  client: DynamoDBClient,
  table: string,
  requests: WriteRequest[],
  signal: AbortSignal,
): Promise<void> {
  let request = requests;
  for (let round = 0; request.length > 0; round++) {
    if (round === UNPROCESSED_ROUNDS) throw unprocessed(table, "writes", request.length);
    if (round > 0) await pause(round, signal);
    const reply = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: request } }), {
      abortSignal: signal,
    });
    request = reply.UnprocessedItems?.[table] ?? [];
  }
}
