/**
 * Plans which member of a consumer group reads which partition. Members keep
 * what they already own up to their fair share (so a join or leave moves as few
 * partitions as possible, and each move costs a drain); partitions left over go
 * round-robin to members below their share. The extra partition of an uneven
 * split goes first to members that already own more, then to earlier joiners.
 *
 * `owned[i]` lists the partitions member `i` (in join order) owns now; the
 * result lists, per member, the partitions it should own, ascending.
 */
export function planAssignment(owned: readonly (readonly number[])[], partitions: number): number[][] {
  const members = owned.length;
  if (members === 0) return [];
  const share = Math.floor(partitions / members);
  const extra = partitions % members;
  const order = owned.map((_, i) => i).sort((a, b) => owned[b]!.length - owned[a]!.length || a - b);
  const quota = new Array<number>(members);
  order.forEach((member, rank) => (quota[member] = share + (rank < extra ? 1 : 0)));

  const target = owned.map(() => [] as number[]);
  const taken = new Array<boolean>(partitions).fill(false);
  owned.forEach((mine, member) => {
    for (const p of [...mine].sort((a, b) => a - b)) {
      if (p < partitions && !taken[p] && target[member]!.length < quota[member]!) {
        target[member]!.push(p);
        taken[p] = true;
      }
    }
  });
  let cursor = 0;
  for (let p = 0; p < partitions; p++) {
    if (taken[p]) continue;
    while (target[cursor]!.length >= quota[cursor]!) cursor = (cursor + 1) % members;
    target[cursor]!.push(p);
    cursor = (cursor + 1) % members;
  }
  for (const list of target) list.sort((a, b) => a - b);
  return target;
}
