/**
 * The Cosmos DB item calls this adapter makes, each reduced to an outcome —
 * HTTP status, item, etag — whether the SDK resolved or threw. A batch is sent
 * as concurrent point calls: the SDK's `executeBulkOperations` waits for its
 * flush timer (about a second per call, measured), too slow for state reads
 * on a pipeline's path (docs/decisions/1902-cosmos-state-layout.md).
 */
import type { Container, ItemResponse, JSONObject } from "@azure/cosmos";

/** One call's outcome: its status, the item it returned and its etag. */
export interface Outcome {
  status: number;
  item: JSONObject | undefined;
  etag: string | undefined;
  error: unknown;
}

/** A Cosmos answer this adapter did not expect, carrying its HTTP status for classification. */
export class CosmosStatusError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "CosmosStatusError";
  }
}

/** An item with the id every call addresses it by (its partition key value too). */
export type Item = JSONObject & { id: string };

async function settle(call: Promise<ItemResponse<JSONObject>>): Promise<Outcome> {
  try {
    const r = await call;
    return { status: r.statusCode, item: r.resource, etag: r.etag, error: undefined };
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code !== "number") throw err;
    return { status: code, item: undefined, etag: undefined, error: err };
  }
}

/** Throws for an outcome whose status is not one of `expected`. */
export function expectStatus(outcome: Outcome, expected: readonly number[], what: string): void {
  if (expected.includes(outcome.status)) return;
  if (outcome.error instanceof Error) throw outcome.error;
  throw new CosmosStatusError(
    `cosmos ${what} answered HTTP ${outcome.status}`,
    outcome.status,
    outcome.error,
  );
}

/** Reads item `id` (404 when missing). */
export function readItem(container: Container, id: string, signal: AbortSignal): Promise<Outcome> {
  return settle(container.item(id, id).read<JSONObject>({ abortSignal: signal }));
}

/** Deletes item `id` (404 when missing). */
export function deleteItem(container: Container, id: string, signal: AbortSignal): Promise<Outcome> {
  return settle(container.item(id, id).delete<JSONObject>({ abortSignal: signal }));
}

/**
 * Writes `item`: an upsert when `ifMatch` is undefined, a create (409 when it
 * exists) when null, else a replace at that etag (412 when it changed).
 */
export function writeItem(
  container: Container,
  item: Item,
  ifMatch: string | null | undefined,
  signal: AbortSignal,
): Promise<Outcome> {
  if (ifMatch === undefined) return settle(container.items.upsert<JSONObject>(item, { abortSignal: signal }));
  if (ifMatch === null) return settle(container.items.create<JSONObject>(item, { abortSignal: signal }));
  return settle(
    container.item(item.id, item.id).replace<JSONObject>(item, {
      abortSignal: signal,
      accessCondition: { type: "IfMatch", condition: ifMatch },
    }),
  );
}
