/**
 * The DynamoDB lease table of a Kinesis consumer group: created when missing,
 * and every write a conditional update on `leaseCounter`, as the KCL writes it.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { SwitchyardError } from "@switchyard/core/driver";
import { awsErrorCode } from "../errors.js";
import type { Lease } from "./lease.js";
import { leaseFromItem, leaseItem } from "./lease.js";

const TABLE_READY_MS = 60_000;

/** Whether `err` is DynamoDB's answer to a condition that did not hold. */
export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === "ConditionalCheckFailedException";
}

/** One group's lease table. Every method throws the SDK's errors as they are, except where it says. */
export class LeaseTable {
  constructor(
    private readonly client: DynamoDBClient,
    /** The table's name. */
    readonly name: string,
  ) {}

  /** Creates the table (hash key `leaseKey`, on-demand capacity) when it is missing, and waits until it is active. */
  async ensure(signal: AbortSignal): Promise<void> {
    const status = await this.status(signal);
    if (status === undefined) {
      try {
        await this.client.send(
          new CreateTableCommand({
            TableName: this.name,
            AttributeDefinitions: [{ AttributeName: "leaseKey", AttributeType: "S" }],
            KeySchema: [{ AttributeName: "leaseKey", KeyType: "HASH" }],
            BillingMode: "PAY_PER_REQUEST",
          }),
          { abortSignal: signal },
        );
      } catch (err) {
        // Another member of the group created it first.
        if ((err as { name?: unknown }).name !== "ResourceInUseException") throw err;
      }
    }
    const deadline = Date.now() + TABLE_READY_MS;
    while ((await this.status(signal)) !== "ACTIVE") {
      if (Date.now() > deadline) {
        throw new SwitchyardError("Unavailable", `lease table "${this.name}" did not become active`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async status(signal: AbortSignal): Promise<string | undefined> {
    try {
      const reply = await this.client.send(new DescribeTableCommand({ TableName: this.name }), {
        abortSignal: signal,
      });
      return reply.Table?.TableStatus ?? "ACTIVE";
    } catch (err) {
      if (awsErrorCode(err) === "NotFound") return undefined;
      throw err;
    }
  }

  /** Every lease in the table. */
  async scan(signal: AbortSignal): Promise<Lease[]> {
    const leases: Lease[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const reply = await this.client.send(
        new ScanCommand({ TableName: this.name, ConsistentRead: true, ExclusiveStartKey: start }),
        { abortSignal: signal },
      );
      for (const item of reply.Items ?? []) {
        const lease = leaseFromItem(item);
        if (lease !== undefined) leases.push(lease);
      }
      start = reply.LastEvaluatedKey;
    } while (start !== undefined);
    return leases;
  }

  /** Writes a new lease unless one exists for its shard; returns whether it wrote. */
  async create(lease: Lease, signal: AbortSignal): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.name,
          Item: leaseItem(lease),
          ConditionExpression: "attribute_not_exists(leaseKey)",
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Raises the counter of a lease `owner` holds; fails the condition when it was taken meanwhile. */
  renew(lease: Lease, owner: string, signal: AbortSignal): Promise<Lease> {
    return this.update(lease, owner, "SET #leaseCounter = :next", {}, signal, true);
  }

  /** Takes a lease for `owner` (unassigned, expired or stolen), counting the owner switch. */
  take(lease: Lease, owner: string, signal: AbortSignal): Promise<Lease> {
    const switched = lease.leaseOwner !== owner;
    const expression =
      "SET #leaseOwner = :me, #leaseCounter = :next, #ownerSwitchesSinceCheckpoint = :switches REMOVE #checkpointOwner";
    const switches = lease.ownerSwitchesSinceCheckpoint + (switched ? 1 : 0);
    return this.update(
      lease,
      owner,
      expression,
      { ":me": { S: owner }, ":switches": { N: String(switches) } },
      signal,
      false,
    ).then((taken) => ({ ...taken, leaseOwner: owner, ownerSwitchesSinceCheckpoint: switches }));
  }

  /** Stores a checkpoint in a lease `owner` holds; resets the owner-switch count as the KCL does. */
  async checkpoint(
    lease: Lease,
    owner: string,
    sequence: string,
    subSequence: number,
    signal: AbortSignal,
  ): Promise<Lease> {
    const expression =
      "SET #leaseCounter = :next, #checkpoint = :cp, #checkpointSubSequenceNumber = :sub, #ownerSwitchesSinceCheckpoint = :zero";
    const values = { ":cp": { S: sequence }, ":sub": { N: String(subSequence) }, ":zero": { N: "0" } };
    const updated = await this.update(lease, owner, expression, values, signal, true);
    return {
      ...updated,
      checkpoint: sequence,
      checkpointSubSequenceNumber: subSequence,
      ownerSwitchesSinceCheckpoint: 0,
    };
  }

  /** Reads one lease (consistently), or undefined when it is gone. */
  async read(leaseKey: string, signal: AbortSignal): Promise<Lease | undefined> {
    const reply = await this.client.send(
      new GetItemCommand({ TableName: this.name, Key: { leaseKey: { S: leaseKey } }, ConsistentRead: true }),
      { abortSignal: signal },
    );
    return reply.Item === undefined ? undefined : leaseFromItem(reply.Item);
  }

  /**
   * Asks for a lease another member holds: `owner` becomes `leaseOwner` and
   * the holder `checkpointOwner`, who finishes its in-flight records,
   * checkpoints and then removes itself (the KCL 3.x graceful handoff).
   */
  async claim(lease: Lease, owner: string, signal: AbortSignal): Promise<Lease> {
    const holder = lease.leaseOwner!;
    await this.send(
      lease.leaseKey,
      "SET #leaseOwner = :me, #checkpointOwner = :holder, #leaseCounter = :next",
      "#leaseCounter = :counter AND #leaseOwner = :holder AND attribute_not_exists(#checkpointOwner)",
      {
        ":me": { S: owner },
        ":holder": { S: holder },
        ":next": { N: String(lease.leaseCounter + 1) },
        ":counter": { N: String(lease.leaseCounter) },
      },
      signal,
    );
    return { ...lease, leaseOwner: owner, checkpointOwner: holder, leaseCounter: lease.leaseCounter + 1 };
  }

  /** Stores a checkpoint in a lease `owner` is handing over (it is still its `checkpointOwner`). */
  async handoffCheckpoint(
    leaseKey: string,
    owner: string,
    sequence: string,
    sub: number,
    signal: AbortSignal,
  ): Promise<void> {
    await this.send(
      leaseKey,
      "SET #checkpoint = :cp, #checkpointSubSequenceNumber = :sub, #ownerSwitchesSinceCheckpoint = :zero ADD #leaseCounter :one",
      "#checkpointOwner = :me",
      {
        ":cp": { S: sequence },
        ":sub": { N: String(sub) },
        ":zero": { N: "0" },
        ":one": { N: "1" },
        ":me": { S: owner },
      },
      signal,
    );
  }

  /** Ends a handoff: removes `checkpointOwner`, by the old holder (`owner`) or, after a timeout, by the new one. */
  async endHandoff(leaseKey: string, checkpointOwner: string, signal: AbortSignal): Promise<void> {
    await this.send(
      leaseKey,
      "REMOVE #checkpointOwner ADD #leaseCounter :one",
      "#checkpointOwner = :holder",
      { ":holder": { S: checkpointOwner }, ":one": { N: "1" } },
      signal,
    );
  }

  private async send(
    leaseKey: string,
    expression: string,
    condition: string,
    values: Record<string, AttributeValue>,
    signal: AbortSignal,
  ): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.name,
        Key: { leaseKey: { S: leaseKey } },
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: attributeNames(`${expression} ${condition}`),
        ExpressionAttributeValues: values,
      }),
      { abortSignal: signal },
    );
  }

  /** Gives up a lease `owner` holds, so another member can take it at once. */
  async release(lease: Lease, owner: string, signal: AbortSignal): Promise<void> {
    await this.update(lease, owner, "SET #leaseCounter = :next REMOVE #leaseOwner", {}, signal, true);
  }

  private async update(
    lease: Lease,
    owner: string,
    expression: string,
    values: Record<string, AttributeValue>,
    signal: AbortSignal,
    mustOwn: boolean,
  ): Promise<Lease> {
    const next = lease.leaseCounter + 1;
    const condition = mustOwn
      ? "#leaseCounter = :counter AND #leaseOwner = :owner"
      : "#leaseCounter = :counter";
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.name,
        Key: { leaseKey: { S: lease.leaseKey } },
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: attributeNames(`${expression} ${condition}`),
        ExpressionAttributeValues: {
          ...values,
          ":next": { N: String(next) },
          ":counter": { N: String(lease.leaseCounter) },
          ...(mustOwn ? { ":owner": { S: owner } } : {}),
        },
      }),
      { abortSignal: signal },
    );
    return { ...lease, leaseCounter: next };
  }
}

/** The `#name` placeholders of an expression mapped to themselves: every attribute goes by placeholder, so none clashes with a reserved word. */
function attributeNames(expression: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const match of expression.matchAll(/#(\w+)/g)) names[match[0]] = match[1]!;
  return names;
}
