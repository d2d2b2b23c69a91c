/**
 * Counters through UpdateItem ADD. An expired item (DynamoDB deletes expired
 * items lazily) or a value written by `put` is not added to blindly: the
 * condition on the ADD fails and the counter is set afresh, or from the
 * value's decimal text, with a condition on the version read.
 */
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { StateIncrement } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import type { ItemLayout } from "./item.js";
import { COUNTER, EXPIRES_MS, VALUE, VERSION, expired, expiryAttributes } from "./item.js";

const ATTEMPTS = 5;
const decoder = new TextDecoder();

/** What one increment needs from its store. */
export interface IncrementContext {
  client: DynamoDBClient;
  table: string;
  layout: ItemLayout;
  version: () => string;
}

function isConditionFailure(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === "ConditionalCheckFailedException";
}

/** Adds `by` to a counter and returns the new value. */
export async function incrementOne(
  context: IncrementContext,
  { key, by, ttlMs }: StateIncrement,
  signal: AbortSignal,
): Promise<number> {
  if (!Number.isFinite(by)) {
    throw new SwitchyardError("InvalidArgument", `increment of "${key}" by ${by}: pass a finite number`);
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = Date.now();
    const expiry = ttlMs === undefined ? {} : expiryAttributes(context.layout, ttlMs, now);
    try {
      return await update(context, key, signal, {
        expression: `ADD #${COUNTER} :by SET #${VERSION} = :ver${setList(expiry)}`,
        condition: `attribute_not_exists(#${VALUE}) AND (attribute_not_exists(#${EXPIRES_MS}) OR #${EXPIRES_MS} > :now)`,
        values: { ":by": { N: String(by) }, ":now": { N: String(now) }, ...placeholders(expiry) },
        names: expiry,
      });
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    // Expired, or a plain value: start the counter from what the item means now.
    const item = (
      await context.client.send(
        new GetItemCommand({
          TableName: context.table,
          Key: { [context.layout.keyAttribute]: { S: key } },
          ConsistentRead: true,
        }),
        { abortSignal: signal },
      )
    ).Item;
    const stale = item !== undefined && expired(item, now);
    const base = item === undefined || stale ? 0 : startingValue(key, item);
    // An expired item's expiry must go with it, unless this increment sets a new one.
    const clearExpiry =
      stale && ttlMs === undefined ? `, #${context.layout.ttlAttribute}, #${EXPIRES_MS}` : "";
    try {
      return await update(context, key, signal, {
        expression: `SET #${COUNTER} = :start, #${VERSION} = :ver${setList(expiry)} REMOVE #${VALUE}${clearExpiry}`,
        condition: item === undefined ? `attribute_not_exists(#${VERSION})` : `#${VERSION} = :seen`,
        values: {
          ":start": { N: String(base + by) },
          ...(item === undefined ? {} : { ":seen": item[VERSION] ?? { S: "0" } }),
          ...placeholders(expiry),
        },
        names: expiry,
      });
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  throw new SwitchyardError("Unavailable", `increment of "${key}": the item kept changing; try again`);
}

function startingValue(key: string, item: Record<string, AttributeValue>): number {
  const counter = item[COUNTER]?.N;
  if (counter !== undefined) return Number(counter);
  const bytes = item[VALUE]?.B;
  const text = bytes === undefined ? "0" : decoder.decode(bytes);
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new SwitchyardError(
      "FailedPrecondition",
      `cannot increment "${key}": it holds a value that is not a decimal number`,
    );
  }
  return value;
}

function setList(attributes: Record<string, AttributeValue>): string {
  return Object.keys(attributes)
    .map((name) => `, #${name} = :${name}`)
    .join("");
}

function placeholders(attributes: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [`:${name}`, value]));
}

async function update(
  context: IncrementContext,
  key: string,
  signal: AbortSignal,
  parts: {
    expression: string;
    condition: string;
    values: Record<string, AttributeValue>;
    names: Record<string, AttributeValue>;
  },
): Promise<number> {
  const text = `${parts.expression} ${parts.condition}`;
  const names: Record<string, string> = {};
  for (const match of text.matchAll(/#(\w+)/g)) names[match[0]] = match[1]!;
  const reply = await context.client.send(
    new UpdateItemCommand({
      TableName: context.table,
      Key: { [context.layout.keyAttribute]: { S: key } },
      UpdateExpression: parts.expression,
      ConditionExpression: parts.condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...parts.values, ":ver": { S: context.version() } },
      ReturnValues: "UPDATED_NEW",
    }),
    { abortSignal: signal },
  );
  return Number(reply.Attributes?.[COUNTER]?.N ?? "0");
}
