import { SwitchyardError } from "../errors.js";
import type { Position } from "../driver/record.js";
import type { StartPosition } from "../driver/stream.js";
import { planAssignment } from "./assignment.js";
import type { MemoryLog } from "./memory-log.js";

/** What a consumer group needs from one of its consumers. */
export interface GroupMember {
  /** The consumer's name, unique within the group. */
  readonly name: string;
  /** Where the consumer starts on partitions the group has not committed. */
  readonly start: StartPosition;
  /** Stops reading `partitions`, waits for the assignment listener, then forgets them. Never rejects. */
  revoke(partitions: number[]): Promise<void>;
  /** Starts reading each partition at the matching offset and tells the listener. Never rejects. */
  assign(partitions: number[], offsets: number[]): Promise<void>;
  /** Marks the consumer as replaced by a newer one with its name. */
  fence(): void;
}

/**
 * A consumer group of a `memory://` stream: its committed positions and which
 * member owns which partition. Rebalances run one at a time, in join/leave order.
 */
export class ConsumerGroup {
  /** The group's name. */
  readonly name: string;
  private readonly log: MemoryLog;
  private readonly members: GroupMember[] = [];
  /** Next offset to read per partition, as committed; `undefined` when never committed. */
  private readonly committed: (number | undefined)[];
  /** The member owning each partition (reading it or draining it before a revoke). */
  private readonly owner: (GroupMember | undefined)[];
  private rebalancing: Promise<void> = Promise.resolve();

  constructor(name: string, log: MemoryLog) {
    this.name = name;
    this.log = log;
    this.committed = new Array<number | undefined>(log.partitions.length).fill(undefined);
    this.owner = new Array<GroupMember | undefined>(log.partitions.length).fill(undefined);
  }

  /**
   * Adds a member and resolves once the group has rebalanced. A member with the
   * same name is fenced and dropped first (it was restarted without closing).
   */
  join(member: GroupMember): Promise<void> {
    const previous = this.members.find((m) => m.name === member.name);
    if (previous !== undefined) {
      previous.fence();
      this.drop(previous);
    }
    this.members.push(member);
    return this.rebalance();
  }

  /** Removes a member (its partitions go to the others) and resolves once the group has rebalanced. */
  leave(member: GroupMember): Promise<void> {
    if (!this.members.includes(member)) return this.rebalancing;
    this.drop(member);
    return this.rebalance();
  }

  /** The committed next-to-read offset of a partition, if any. */
  committedOffset(partition: number): number | undefined {
    return this.committed[partition];
  }

  /**
   * Records "next to read = offset + 1" for each position. Refuses the whole
   * call if a position names an unknown partition, a bad offset, or a partition
   * this member no longer owns (a commit after its revocation completed).
   */
  commit(member: GroupMember, positions: readonly Position[]): void {
    const updates: [number, number][] = [];
    for (const position of positions) {
      const partition = this.log.partitionIndex(position.partition);
      const offset = Number(position.offset);
      if (partition === undefined || position.offset === "" || !Number.isSafeInteger(offset) || offset < 0) {
        throw new SwitchyardError(
          "InvalidArgument",
          `memory stream "${this.log.name}": cannot commit position ${JSON.stringify(position)}; ` +
            "pass positions of received records",
        );
      }
      if (this.owner[partition] !== member) {
        throw new SwitchyardError(
          "FailedPrecondition",
          `memory stream "${this.log.name}": partition ${position.partition} is not assigned to consumer ` +
            `"${member.name}" of group "${this.name}"; commit before the revocation listener resolves`,
        );
      }
      updates.push([partition, offset + 1]);
    }
    for (const [partition, next] of updates) this.committed[partition] = next;
  }

  private drop(member: GroupMember): void {
    this.members.splice(this.members.indexOf(member), 1);
    this.owner.forEach((owner, p) => {
      if (owner === member) this.owner[p] = undefined;
    });
  }

  private rebalance(): Promise<void> {
    this.rebalancing = this.rebalancing.then(() => this.reassign());
    return this.rebalancing;
  }

  private async reassign(): Promise<void> {
    const members = [...this.members];
    const owned = members.map((m) => this.partitionsOf(m));
    const target = planAssignment(owned, this.owner.length);

    // Eager protocol: every partition that moves is first revoked and drained.
    await Promise.all(
      members.map((member, i) => {
        const lost = owned[i]!.filter((p) => !target[i]!.includes(p));
        if (lost.length === 0) return Promise.resolve();
        return member.revoke(lost).then(() => {
          for (const p of lost) if (this.owner[p] === member) this.owner[p] = undefined;
        });
      }),
    );

    await Promise.all(
      members.map((member, i) => {
        if (!this.members.includes(member)) return Promise.resolve();
        const gained = target[i]!.filter((p) => this.owner[p] === undefined);
        if (gained.length === 0) return Promise.resolve();
        for (const p of gained) this.owner[p] = member;
        return member.assign(
          gained,
          gained.map((p) => this.startOffset(p, member.start)),
        );
      }),
    );
  }

  private partitionsOf(member: GroupMember): number[] {
    const mine: number[] = [];
    this.owner.forEach((owner, p) => {
      if (owner === member) mine.push(p);
    });
    return mine;
  }

  private startOffset(partition: number, start: StartPosition): number {
    const committed = this.committed[partition];
    const log = this.log.partitions[partition]!;
    if (committed !== undefined) return committed;
    if (start === "earliest") return log.earliest;
    if (start === "latest") return log.next;
    if ("timestamp" in start) return log.offsetForTimestamp(start.timestamp);
    const given = start.offsets[log.id];
    return given === undefined ? log.earliest : Math.min(Number(given), log.next);
  }
}
