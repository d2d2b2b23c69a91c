import { randomBytes } from "node:crypto";
import type { StartPosition } from "@switchyard/core/driver";
import type { Received, Subscription } from "@switchyard/core";
import { intOption, parseCommandArgs, stringOption } from "./args.js";
import type { ParsedArgs } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { PROFILE_OPTIONS, PROFILE_OPTIONS_HELP, openProfile } from "./profile.js";
import { receiveWithin } from "./receive-within.js";
import { closeProfile, closeSubscription, openRawStream } from "./stream-resource.js";

const DEFAULT_IDLE_MS = 2000;
const DEFAULT_JOIN_TIMEOUT_MS = 20_000;
/** Subscriptions tried, without --follow, before a group that never gets a partition is an error. */
const JOIN_ATTEMPTS = 3;

const USAGE = `Usage: switchyard tail <stream> [options]

Prints the records of a stream of the profile, one line each: the value as text
(or base64:… when it is not UTF-8), or with --meta a JSON line with key,
headers, timestamp, id and partition. Reads in a consumer group of its own, so
pipelines reading the stream are not disturbed.

Without --follow it prints what the stream holds, from the earliest record, and
exits once it has caught up (no record for --idle ms and, where the back end
tells, nothing left behind). With --follow it prints records as they arrive,
from the latest, until Ctrl-C.

Options:
${PROFILE_OPTIONS_HELP}
      --from <where>     earliest | latest (default: earliest, or latest with --follow)
  -f, --follow           keep printing new records until interrupted
      --meta             print each record as a JSON line with its key, headers, time and id
      --idle <ms>        without --follow: how long no new record means caught up (default ${DEFAULT_IDLE_MS})
      --group <name>     read in this consumer group (default: a new one per run)
      --join-timeout <ms>  without --follow: how long the group may take to be given a
                         partition before tail joins again (${JOIN_ATTEMPTS} tries; default ${DEFAULT_JOIN_TIMEOUT_MS})
  -h, --help             show this help

Examples:
  switchyard tail alerts
  switchyard tail dead-letters --meta --profile kafka
  switchyard tail transactions --follow`;

async function tail(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    ...PROFILE_OPTIONS,
    from: { type: "string" },
    follow: { type: "boolean", short: "f" },
    meta: { type: "boolean" },
    idle: { type: "string" },
    group: { type: "string" },
    "join-timeout": { type: "string" },
  });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) throw new UsageError("missing the stream name, e.g. switchyard tail alerts");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const follow = parsed.values.follow === true;
  const start = startOption(parsed, follow);
  const idleMs = intOption(parsed, "idle", DEFAULT_IDLE_MS);
  const joinTimeoutMs = intOption(parsed, "join-timeout", DEFAULT_JOIN_TIMEOUT_MS);
  const group = stringOption(parsed, "group") ?? `switchyard-tail-${randomBytes(4).toString("hex")}`;
  const meta = parsed.values.meta === true;

  const stop = stopOnInterrupt(io.signal);
  const { resolver } = await openProfile(parsed, io);
  try {
    const stream = await openRawStream(resolver, name);
    const options = { follow, idleMs, meta, joinTimeoutMs, signal: stop.signal };
    for (let attempt = 1; ; attempt++) {
      const subscription = await stream.subscribe({ group, start });
      let printed: number | "not joined";
      try {
        printed = await printRecords(subscription, io, options);
      } finally {
        await closeSubscription(subscription, io);
      }
      if (printed !== "not joined") {
        if (!follow) io.stderr(`${printed} record${printed === 1 ? "" : "s"} in stream "${name}"\n`);
        return 0;
      }
      const waited = `no partition of stream "${name}" was given to group "${group}" within ${joinTimeoutMs} ms`;
      if (attempt >= JOIN_ATTEMPTS) {
        io.stderr(
          `${waited}, ${JOIN_ATTEMPTS} times — is the group stuck in a rebalance? (--join-timeout)\n`,
        );
        return 1;
      }
      io.stderr(`${waited}; joining again\n`);
    }
  } finally {
    stop.detach();
    await closeProfile(resolver, io);
  }
}

/** Ctrl-C (or SIGTERM, or the caller's signal) ends the tail quietly. */
function stopOnInterrupt(parent: AbortSignal | undefined): { signal: AbortSignal; detach(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  parent?.addEventListener("abort", abort, { once: true });
  if (parent?.aborted === true) abort();
  process.on("SIGINT", abort);
  process.on("SIGTERM", abort);
  return {
    signal: controller.signal,
    detach: () => {
      process.off("SIGINT", abort);
      process.off("SIGTERM", abort);
    },
  };
}

function startOption(parsed: ParsedArgs, follow: boolean): StartPosition {
  const from = stringOption(parsed, "from") ?? (follow ? "latest" : "earliest");
  if (from !== "earliest" && from !== "latest")
    throw new UsageError(`--from takes earliest or latest, got "${from}"`);
  return from;
}

interface PrintOptions {
  follow: boolean;
  idleMs: number;
  meta: boolean;
  joinTimeoutMs: number;
  signal: AbortSignal;
}

/**
 * Prints batches until stopped (following) or caught up; resolves with the
 * number printed, or "not joined" when, without --follow, nothing arrived and
 * the group was given no partition within `joinTimeoutMs`.
 */
async function printRecords(
  subscription: Subscription<Uint8Array>,
  io: CommandIO,
  options: PrintOptions,
): Promise<number | "not joined"> {
  let printed = 0;
  const subscribedAt = Date.now();
  for (;;) {
    const batch = await receiveWithin(
      subscription,
      options.signal,
      options.follow ? undefined : options.idleMs,
    );
    if (options.signal.aborted) return printed;
    if (batch === undefined) {
      // A back end that tells no lag (Pub/Sub): the idle wait alone says caught up.
      const lag = subscription.tellsLag ? await subscription.lag().catch(() => undefined) : undefined;
      if (caughtUp(lag)) return printed;
      // No partition yet: the group is still being joined (Kafka's rebalance); a join that never ends is tried again.
      const joining = lag !== undefined && Object.keys(lag).length === 0;
      if (!options.follow && joining && printed === 0 && Date.now() - subscribedAt >= options.joinTimeoutMs)
        return "not joined";
      continue;
    }
    let text = "";
    for (const record of batch.records)
      text += `${options.meta ? metaLine(record, batch.partition) : valueText(record.value)}\n`;
    for (const bad of batch.undecodable) text += `${valueText(bad.raw.value)}\n`;
    io.stdout(text);
    printed += batch.records.length + batch.undecodable.length;
    subscription.ack(batch.records);
    subscription.ack(batch.undecodable);
  }
}

/** Whether nothing is left to read: every owned partition at lag 0, or no lag to ask (then the idle wait decides). */
function caughtUp(lag: Record<string, number> | undefined): boolean {
  if (lag === undefined) return true;
  const behind = Object.values(lag);
  // No partition yet means the group is still being joined (Kafka's rebalance): keep waiting.
  return behind.length > 0 && behind.every((n) => n === 0);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes as text, or `base64:…` when they are not UTF-8 (Avro, Protobuf). */
function valueText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return `base64:${Buffer.from(bytes).toString("base64")}`;
  }
}

function metaLine(record: Received<Uint8Array>, partition: string): string {
  return JSON.stringify({
    key: record.key ?? null,
    value: valueText(record.value),
    headers: record.headers,
    timestamp: new Date(record.timestamp).toISOString(),
    id: record.id,
    partition,
  });
}

/** `switchyard tail`: prints the records of a stream, then exits or follows. */
export const tailCommand: Command = {
  name: "tail",
  summary: "print the records of a stream (--follow to keep printing new ones)",
  usage: USAGE,
  run: tail,
};
