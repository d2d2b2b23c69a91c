/**
 * Atomic counters in a Cosmos DB container: a patch `incr` of the item's `n`,
 * on the condition that the item is a live counter; a create when it is
 * missing; a rewrite at its etag when it expired (an emulator never deletes
 * it) or holds a decimal value.
 */
import type { Container, JSONObject, PatchOperation } from "@azure/cosmos";
import type { StateIncrement } from "@switchyard/core/driver";
import { SwitchyardError } from "@switchyard/core/driver";
import { CosmosStatusError, expectStatus, readItem, writeItem } from "./calls.js";
import { counterItem, counterOf, expired, expiry, itemId } from "./items.js";

/** How often an increment starts over after losing a race to another writer. */
const ATTEMPTS = 5;

/** Adds `by` to the counter at `key` and returns the new value. */
export async function incrementCounter(
  container: Container,
  partitionField: string,
  { key, by, ttlMs }: StateIncrement,
  signal: AbortSignal,
): Promise<number> {
  const id = itemId(key);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = Date.now();
    const operations: PatchOperation[] = [{ op: "incr", path: "/n", value: by }];
    if (ttlMs !== undefined) {
      const { exp, ttl } = expiry(ttlMs, now);
      operations.push({ op: "set", path: "/exp", value: exp }, { op: "set", path: "/ttl", value: ttl });
    }
    const condition = `FROM c WHERE IS_DEFINED(c.n) AND (NOT IS_DEFINED(c.exp) OR c.exp > ${now})`;
    let status: number;
    try {
      const patched = await container
        .item(id, id)
        .patch<JSONObject>({ operations, condition }, { abortSignal: signal });
      return Number(patched.resource?.n);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (code !== 404 && code !== 412) throw err;
      status = code;
    }
    if (status === 404) {
      const created = await writeItem(
        container,
        counterItem(key, by, partitionField, ttlMs, now),
        null,
        signal,
      );
      if (created.status === 201) return by;
      if (created.status !== 409) expectStatus(created, [201], "create counter");
      continue;
    }
    const rewritten = await rewrite(container, partitionField, key, by, ttlMs, signal);
    if (rewritten !== undefined) return rewritten;
  }
  throw new CosmosStatusError(`cosmos increment of "${key}": lost ${ATTEMPTS} races to other writers`, 449);
}

/** Rewrites an expired or decimal-valued item as a counter at its etag; undefined when another writer won. */
async function rewrite(
  container: Container,
  partitionField: string,
  key: string,
  by: number,
  ttlMs: number | undefined,
  signal: AbortSignal,
): Promise<number | undefined> {
  const current = await readItem(container, itemId(key), signal);
  if (current.status !== 200 || current.item === undefined) return undefined;
  const now = Date.now();
  const live = !expired(current.item, now);
  const base = live ? counterOf(current.item) : 0;
  if (base === undefined) {
    throw new SwitchyardError(
      "FailedPrecondition",
      `cosmos state: cannot increment "${key}", it holds a value that is not a decimal number`,
    );
  }
  const next = counterItem(key, base + by, partitionField, ttlMs, now);
  if (live && ttlMs === undefined && typeof current.item.exp === "number") {
    Object.assign(next, { exp: current.item.exp, ttl: current.item.ttl });
  }
  const replaced = await writeItem(container, next, current.etag ?? "", signal);
  return replaced.status === 200 ? base + by : undefined;
}
