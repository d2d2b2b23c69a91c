import { Stream, SwitchyardError, raw } from "@switchyard/core";
import type { ResourceResolver, Settleable, Subscription } from "@switchyard/core";
import type { IncomingRecord, OutgoingRecord } from "@switchyard/core/driver";
import { intOption, parseCommandArgs, stringOption } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { ERROR_HEADER_PREFIX, formatView, viewOf } from "./dlq-format.js";
import { PROFILE_OPTIONS, PROFILE_OPTIONS_HELP, openProfile } from "./profile.js";
import { receiveWithin } from "./receive-within.js";

/** The consumer group `switchyard dlq` reads with: a replay commits in it, so what is listed is what was not replayed. */
export const DLQ_GROUP = "switchyard-dlq";

const USAGE = `Usage: switchyard dlq <stream> [options]

Lists the records of a dead-letter stream of the profile: why each was given up on
(its x-error-* headers: code, message, stage, attempts, source stream and position)
and its original bytes, as JSON when they parse, else as hex. Listing commits
nothing: run it as often as you like.

With --replay, after fixing the cause, each dead letter's original key, bytes and
headers (without x-error-*) are published again to the stream named in its
x-error-source header, and the dead-letter stream's position is committed in the
"${DLQ_GROUP}" group, so a dead letter is replayed once and a later listing shows
only the ones not replayed.

Options:
${PROFILE_OPTIONS_HELP}
      --replay               publish the dead letters back to their source streams
      --limit <n>            at most this many dead letters (default 1000)
      --wait <ms>            stop once no record arrived for this long and the stream
                             says it has no more (default 2000; 3x this when it cannot tell)
      --group <name>         consumer group to read with (default "${DLQ_GROUP}")
      --json                 one JSON object per dead letter on stdout
  -h, --help                 show this help

Exit codes: 0 listed or replayed, 1 failed (e.g. a source stream not in the profile), 2 bad usage.

Examples:
  switchyard dlq dead-letters --profile kafka
  switchyard dlq dead-letters --profile kafka --replay`;

async function dlq(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, {
    ...PROFILE_OPTIONS,
    replay: { type: "boolean" },
    limit: { type: "string" },
    wait: { type: "string" },
    group: { type: "string" },
    json: { type: "boolean" },
  });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined)
    throw new UsageError("missing the dead-letter stream, e.g. switchyard dlq dead-letters");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const limit = intOption(parsed, "limit", 1000);
  const waitMs = intOption(parsed, "wait", 2000);
  const json = parsed.values.json === true;
  const replay = parsed.values.replay === true;
  const { resolver } = await openProfile(parsed, io);
  try {
    const stream = new Stream<Uint8Array>(await resolver.open("stream", name), { name, codec: raw() });
    const group = stringOption(parsed, "group") ?? DLQ_GROUP;
    // One fixed member name: a back end that keeps read records pending per member (Redis
    // Streams) hands a listing's unacknowledged records to the next listing again.
    const subscription = await stream.subscribe({ group, consumerName: group });
    try {
      const records = await readDeadLetters(subscription, limit, waitMs, io.signal);
      for (const record of records.map((r) => r.raw)) {
        const view = viewOf(record);
        io.stdout(json ? `${JSON.stringify({ stream: name, ...view })}\n` : `${formatView(view)}\n`);
      }
      if (!replay) {
        io.stderr(
          `${name}: ${records.length} dead letter${records.length === 1 ? "" : "s"}${records.length === limit ? ` (--limit ${limit} reached)` : ""}\n`,
        );
        return 0;
      }
      const sent = await replayTo(
        resolver,
        records.map((r) => r.raw),
      );
      subscription.ack(records);
      await subscription.commit();
      const parts = [...sent].map(([source, count]) => `${count} to ${source}`);
      io.stderr(
        `${name}: replayed ${records.length} dead letters${parts.length > 0 ? ` (${parts.join(", ")})` : ""}\n`,
      );
      return 0;
    } finally {
      await subscription.close();
    }
  } finally {
    await resolver.close();
  }
}

/** Reads until `limit` records, or until the stream is idle for `waitMs` (and says it has no more). */
async function readDeadLetters(
  subscription: Subscription<Uint8Array>,
  limit: number,
  waitMs: number,
  stop: AbortSignal | undefined,
): Promise<Settleable[]> {
  const out: Settleable[] = [];
  let idleSince = Date.now();
  while (out.length < limit && stop?.aborted !== true) {
    const batch = await receiveWithin(subscription, stop, waitMs);
    if (batch !== undefined) {
      for (const record of [...batch.records, ...batch.undecodable]) if (out.length < limit) out.push(record);
      idleSince = Date.now();
      continue;
    }
    const idle = Date.now() - idleSince;
    const lag = await subscription.lag().catch(() => ({}));
    const known = Object.values(lag);
    // A back end that reports lag says when it has no more; for one that cannot, idleness must do.
    if ((known.length > 0 && known.every((n) => n === 0) && idle >= waitMs) || idle >= 3 * waitMs) break;
  }
  return out;
}

/** Publishes each dead letter's original record to its source stream; counts per source. */
async function replayTo(resolver: ResourceResolver, records: IncomingRecord[]): Promise<Map<string, number>> {
  const bySource = new Map<string, OutgoingRecord[]>();
  for (const record of records) {
    const source = record.headers[`${ERROR_HEADER_PREFIX}source`];
    if (source === undefined) {
      throw new SwitchyardError(
        "InvalidArgument",
        `dead letter ${record.position.partition}@${record.position.offset} has no x-error-source header — it was not written by a switchyard pipeline; nothing was replayed`,
      );
    }
    const headers = Object.fromEntries(
      Object.entries(record.headers).filter(([header]) => !header.startsWith(ERROR_HEADER_PREFIX)),
    );
    const list = bySource.get(source) ?? [];
    list.push({ key: record.key, value: record.value, headers, timestamp: record.timestamp });
    bySource.set(source, list);
  }
  // Every source must be in the profile before anything is sent, so a mistake replays nothing.
  const targets = new Map<string, Stream<Uint8Array>>();
  for (const source of bySource.keys())
    targets.set(
      source,
      new Stream<Uint8Array>(await resolver.open("stream", source), { name: source, codec: raw() }),
    );
  const sent = new Map<string, number>();
  for (const [source, list] of bySource) {
    await targets.get(source)!.publishRaw(list);
    sent.set(source, list.length);
  }
  return sent;
}

/** `switchyard dlq`: lists a dead-letter stream's records with their reasons, and replays them after a fix. */
export const dlqCommand: Command = {
  name: "dlq",
  summary: "list dead letters with their reasons and bytes; --replay sends them back to their source",
  usage: USAGE,
  run: dlq,
};
