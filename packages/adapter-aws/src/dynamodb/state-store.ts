/**
 * A DynamoDB table as a Switchyard state store: BatchGetItem to read, PutItem
 * with a condition on the version for compare-and-set, BatchWriteItem for
 * unconditional writes and deletes, UpdateItem ADD for counters.
 */
import type { AttributeValue, WriteRequest } from "@aws-sdk/client-dynamodb";
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type {
  ErrorCode,
  StateCapabilities,
  StateEntry,
  StateIncrement,
  StateStoreDriver,
  StateWrite,
  StateWriteResult,
} from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { awsErrorCode } from "../errors.js";
import { CREATED_KEY_ATTRIBUTE, createTableIfMissing } from "./create.js";
import { MAX_BATCH_GET, batchGet, batchWrite } from "./batch.js";
import { incrementOne } from "./increment.js";
import type { IncrementContext } from "./increment.js";
import { EXPIRES_MS, VERSION, Versions, entryOf, valueItem } from "./item.js";
import type { ItemLayout } from "./item.js";
import type { DynamoDBSettings } from "./options.js";

/** Options of {@link DynamoDBStateStore}. */
export interface DynamoDBStateStoreOptions {
  /** A DynamoDB client to use instead of building one (the caller closes it). */
  client?: DynamoDBClient;
}

/** The DynamoDB state-store driver. The table needs a string hash key (any name) and no sort key. */
export class DynamoDBStateStore implements StateStoreDriver {
  /** CAS, TTL and increment, up to 100 keys per call (BatchGetItem's limit). */
  readonly capabilities: StateCapabilities = {
    cas: true,
    ttl: true,
    increment: true,
    maxBatch: MAX_BATCH_GET,
  };
  private readonly client: DynamoDBClient;
  private readonly ownsClient: boolean;
  private readonly versions = new Versions();
  private layout: Promise<ItemLayout> | undefined;
  private closed = false;

  constructor(
    private readonly settings: DynamoDBSettings,
    options: DynamoDBStateStoreOptions = {},
  ) {
    this.client = options.client ?? new DynamoDBClient(settings.client);
    this.ownsClient = options.client === undefined;
  }

  async get(keys: string[], signal: AbortSignal): Promise<(StateEntry | undefined)[]> {
    const layout = await this.describe(signal);
    const items = await batchGet(
      this.client,
      this.settings.table,
      layout.keyAttribute,
      [...new Set(keys)],
      signal,
    );
    const now = Date.now();
    return keys.map((key) => entryOf(key, items.get(key), now));
  }

  async put(writes: StateWrite[], signal: AbortSignal): Promise<StateWriteResult[]> {
    const layout = await this.describe(signal);
    const now = Date.now();
    const results = new Array<StateWriteResult>(writes.length);
    const plain: { key: string; request: WriteRequest }[] = [];
    const conditional: Promise<void>[] = [];
    writes.forEach((write, i) => {
      checkTtl(write);
      const version = this.versions.next();
      const item = valueItem(layout, write.key, write.value, version, write.ttlMs, now);
      results[i] = { ok: true, version };
      if (write.ifVersion === undefined) {
        plain.push({ key: write.key, request: { PutRequest: { Item: item } } });
        return;
      }
      conditional.push(
        this.putIf(item, write.ifVersion, now, signal).then((ok) => {
          if (!ok) results[i] = { ok: false, code: "FailedPrecondition" };
        }),
      );
    });
    await Promise.all([batchWrite(this.client, this.settings.table, plain, signal), ...conditional]);
    return results;
  }

  async delete(keys: string[], signal: AbortSignal): Promise<void> {
    const layout = await this.describe(signal);
    const requests = keys.map((key) => ({
      key,
      request: { DeleteRequest: { Key: { [layout.keyAttribute]: { S: key } } } },
    }));
    await batchWrite(this.client, this.settings.table, requests, signal);
  }

  async increment(increments: StateIncrement[], signal: AbortSignal): Promise<number[]> {
    const layout = await this.describe(signal);
    const context: IncrementContext = {
      client: this.client,
      table: this.settings.table,
      layout,
      version: () => this.versions.next(),
    };
    // Increments of one key run one after another; different keys at once.
    const chains = new Map<string, Promise<unknown>>();
    return Promise.all(
      increments.map((inc) => {
        checkTtl(inc);
        const run = (chains.get(inc.key) ?? Promise.resolve()).then(() => incrementOne(context, inc, signal));
        chains.set(
          inc.key,
          run.catch(() => undefined),
        );
        return run;
      }),
    );
  }

  errorCode(err: unknown): ErrorCode {
    return awsErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.client instanceof type ? this.client : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    this.layout = undefined;
    await this.describe(signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.destroy();
  }

  /** Writes `item` if the stored version is `ifVersion` (or, for null, if there is no live item). */
  private async putIf(
    item: Record<string, AttributeValue>,
    ifVersion: string | null,
    now: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    const live = `(attribute_not_exists(#exp) OR #exp > :now)`;
    const condition =
      ifVersion === null ? `attribute_not_exists(#ver) OR NOT ${live}` : `#ver = :expected AND ${live}`;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.settings.table,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: { "#ver": VERSION, "#exp": EXPIRES_MS },
          ExpressionAttributeValues: {
            ":now": { N: String(now) },
            ...(ifVersion === null ? {} : { ":expected": { S: ifVersion } }),
          },
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (err) {
      if ((err as { name?: unknown }).name === "ConditionalCheckFailedException") return false;
      throw err;
    }
  }

  /** Reads the table's hash key once; a missing table is NotFound naming it. */
  private describe(signal: AbortSignal): Promise<ItemLayout> {
    if (this.closed) {
      return Promise.reject(
        new SwitchyardError(
          "FailedPrecondition",
          `dynamodb table "${this.settings.table}": the store is closed`,
        ),
      );
    }
    this.layout ??= this.readLayout(signal).catch((err: unknown) => {
      this.layout = undefined;
      throw err;
    });
    return this.layout;
  }

  private async readLayout(signal: AbortSignal): Promise<ItemLayout> {
    const table = this.settings.table;
    let reply;
    try {
      reply = await this.client.send(new DescribeTableCommand({ TableName: table }), { abortSignal: signal });
    } catch (err) {
      if (awsErrorCode(err) !== "NotFound") throw err;
      if (this.settings.create) {
        await createTableIfMissing(this.client, table, signal);
        return { keyAttribute: CREATED_KEY_ATTRIBUTE, ttlAttribute: this.settings.ttlAttribute };
      }
      throw new SwitchyardError(
        "NotFound",
        `dynamodb table "${table}" does not exist — create it with a string hash key (aws dynamodb create-table), add create=true to the URL, or fix the URL`,
        { cause: err },
      );
    }
    const schema = reply.Table?.KeySchema ?? [];
    const hash = schema.find((k) => k.KeyType === "HASH")?.AttributeName;
    if (hash === undefined || schema.length !== 1) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `dynamodb table "${table}" must have a hash key and no sort key to hold state`,
      );
    }
    return { keyAttribute: hash, ttlAttribute: this.settings.ttlAttribute };
  }
}

function checkTtl(write: { key: string; ttlMs?: number }): void {
  if (write.ttlMs !== undefined && (!Number.isFinite(write.ttlMs) || write.ttlMs <= 0)) {
    throw new SwitchyardError(
      "InvalidArgument",
      `"${write.key}": ttlMs=${write.ttlMs} must be a positive number`,
    );
  }
}
