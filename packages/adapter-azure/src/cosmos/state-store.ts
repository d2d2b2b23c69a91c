import type { CosmosClient } from "@azure/cosmos";
import type { Container } from "@azure/cosmos";
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
import { azureErrorCode } from "../errors.js";
import { inBatch } from "../batch-signal.js";
import { deleteItem, expectStatus, readItem, writeItem } from "./calls.js";
import type { Item } from "./calls.js";
import { openCosmosContainer } from "./container.js";
import { incrementCounter } from "./counters.js";
import { entryOf, expired, itemId, valueItem } from "./items.js";
import type { CosmosOptions } from "./options.js";

const CONFLICT = { ok: false, code: "FailedPrecondition" } as const;

/** How a Cosmos state store is built besides its options. */
export interface CosmosStateSetup {
  /** A CosmosClient to use instead of building one. */
  client?: CosmosClient;
}

/**
 * A Cosmos DB container as a Switchyard state store: one item per key, the
 * item's etag as its version (`IfMatch` for compare-and-set), `ttl` for the
 * service to expire items plus an expiry checked on every read, counters
 * incremented by a conditional patch `incr`, batches as concurrent point calls.
 */
export class CosmosStateStore implements StateStoreDriver {
  readonly capabilities: StateCapabilities;
  private readonly field: string;
  private closed = false;

  /** Opens the store: checks (or creates, with `create`) its container. */
  static async open(options: CosmosOptions, setup: CosmosStateSetup = {}): Promise<CosmosStateStore> {
    const { client, ownsClient, container } = await openCosmosContainer(options, setup.client);
    return new CosmosStateStore(options, client, ownsClient, container);
  }

  private constructor(
    private readonly options: CosmosOptions,
    private readonly client: CosmosClient,
    private readonly ownsClient: boolean,
    private readonly container: Container,
  ) {
    this.field = options.partitionKey.slice(1);
    this.capabilities = { cas: true, ttl: true, increment: true, maxBatch: options.maxBatch };
  }

  async get(keys: string[], signal: AbortSignal): Promise<(StateEntry | undefined)[]> {
    this.check();
    const outcomes = await inBatch(signal, keys.length, (batch) =>
      Promise.all(keys.map((k) => readItem(this.container, itemId(k), batch))),
    );
    const now = Date.now();
    return outcomes.map((o, i) => {
      expectStatus(o, [200, 404], "read");
      return o.status === 404 ? undefined : entryOf(keys[i]!, o.item, o.etag, now);
    });
  }

  async put(writes: StateWrite[], signal: AbortSignal): Promise<StateWriteResult[]> {
    this.check();
    const now = Date.now();
    const items = writes.map((w) => valueItem(w.key, w.value, this.field, w.ttlMs, now));
    return inBatch(signal, writes.length, async (batch) => {
      const outcomes = await Promise.all(
        items.map((item, i) => writeItem(this.container, item, writes[i]!.ifVersion, batch)),
      );
      return Promise.all(
        outcomes.map(async (o, i): Promise<StateWriteResult> => {
          const ifVersion = writes[i]!.ifVersion;
          if (o.status === 200 || o.status === 201) return { ok: true, version: o.etag ?? "" };
          if (o.status === 412 || (o.status === 404 && typeof ifVersion === "string")) return CONFLICT;
          // "Only if absent" also holds for an item that expired but was not deleted yet.
          if (o.status === 409 && ifVersion === null) return this.replaceExpired(items[i]!, batch);
          expectStatus(o, [], "write");
          return CONFLICT;
        }),
      );
    });
  }

  private async replaceExpired(item: Item, signal: AbortSignal): Promise<StateWriteResult> {
    const current = await readItem(this.container, item.id, signal);
    if (current.status !== 200 || !expired(current.item, Date.now())) return CONFLICT;
    const replaced = await writeItem(this.container, item, current.etag ?? "", signal);
    return replaced.status === 200 ? { ok: true, version: replaced.etag ?? "" } : CONFLICT;
  }

  async delete(keys: string[], signal: AbortSignal): Promise<void> {
    this.check();
    const outcomes = await inBatch(signal, keys.length, (batch) =>
      Promise.all(keys.map((k) => deleteItem(this.container, itemId(k), batch))),
    );
    for (const o of outcomes) expectStatus(o, [200, 204, 404], "delete");
  }

  async increment(increments: StateIncrement[], signal: AbortSignal): Promise<number[]> {
    this.check();
    for (const { key, by } of increments) {
      if (!Number.isFinite(by)) {
        throw new SwitchyardError("InvalidArgument", `increment of "${key}" by ${by}: pass a finite number`);
      }
    }
    return inBatch(signal, increments.length, (batch) =>
      Promise.all(increments.map((inc) => incrementCounter(this.container, this.field, inc, batch))),
    );
  }

  errorCode(err: unknown): ErrorCode {
    return azureErrorCode(err);
  }

  as<T>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.client instanceof type ? this.client : undefined;
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.container.read({ abortSignal: signal });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.dispose();
  }

  private check(): void {
    if (this.closed) {
      throw new SwitchyardError(
        "FailedPrecondition",
        `cosmos state "${this.options.container}": store is closed`,
      );
    }
  }
}
