/**
 * Which leases a member of a group should take, decided from one scan of the
 * lease table the way the KCL's lease taker decides: a lease is expired when
 * its counter has not moved for the failover time (no clocks are stored);
 * each member aims at ceil(active leases / members); unassigned and expired
 * leases are taken first, and a member below its share steals one lease from
 * the most loaded member above it — or at it, when the member is two or more
 * below (else it would never get one: four shards held 2-2-0). A lease whose
 * parents are not finished is not taken, so parent shards are read to their
 * end before their children.
 */
import type { Lease } from "./lease.js";
import { SHARD_END } from "./lease.js";

/** When this member last saw each lease's counter change. */
export type CounterSightings = Map<string, { counter: number; at: number }>;

/** Records what a scan saw and returns the keys of leases expired at `now`. */
export function expiredLeases(
  leases: readonly Lease[],
  seen: CounterSightings,
  now: number,
  failoverMs: number,
): Set<string> {
  const expired = new Set<string>();
  for (const lease of leases) {
    const last = seen.get(lease.leaseKey);
    if (last === undefined || last.counter !== lease.leaseCounter) {
      // First sight, or the owner renewed since: it counts as renewed now.
      seen.set(lease.leaseKey, { counter: lease.leaseCounter, at: now });
    } else if (now - last.at > failoverMs) {
      expired.add(lease.leaseKey);
    }
  }
  return expired;
}

/** Whether a lease's parents are all finished (or have no lease), so its shard may be read. */
export function parentsFinished(lease: Lease, byKey: ReadonlyMap<string, Lease>): boolean {
  return lease.parentShardIds.every((parent) => {
    const p = byKey.get(parent);
    return p === undefined || p.checkpoint === SHARD_END;
  });
}

/**
 * The leases `me` should take now, given the table, which leases are expired
 * and which `me` holds. Leases owned by `me` that it does not hold (left by an
 * earlier run under the same name) count as free.
 */
export function leasesToTake(
  leases: readonly Lease[],
  expired: ReadonlySet<string>,
  me: string,
  held: ReadonlySet<string>,
): Lease[] {
  const byKey = new Map(leases.map((l) => [l.leaseKey, l]));
  const active = leases.filter((l) => l.checkpoint !== SHARD_END && parentsFinished(l, byKey));
  const free = (l: Lease) =>
    expired.has(l.leaseKey) ||
    (l.checkpointOwner === undefined &&
      (l.leaseOwner === undefined || (l.leaseOwner === me && !held.has(l.leaseKey))));
  const load = new Map<string, Lease[]>([[me, []]]);
  for (const l of active) {
    if (free(l) || held.has(l.leaseKey)) continue;
    const owner = l.leaseOwner!;
    load.set(owner, [...(load.get(owner) ?? []), l]);
  }
  const target = Math.ceil(active.length / load.size);
  const want = target - held.size;
  if (want <= 0) return [];
  const available = active.filter((l) => !held.has(l.leaseKey) && free(l));
  if (available.length > 0) return available.slice(0, want);
  // Nothing free: steal one from the most loaded member, if it holds more than its share, or
  // holds its share while `me` is two or more below it (four shards held 2-2-0 by three members).
  let victim: Lease[] = [];
  for (const [owner, owned] of load) if (owner !== me && owned.length > victim.length) victim = owned;
  // A lease being handed over already has its next owner.
  const claimable = victim.filter((l) => l.checkpointOwner === undefined);
  const steal = victim.length > target || (victim.length === target && want > 1);
  return steal ? claimable.slice(0, 1) : [];
}
