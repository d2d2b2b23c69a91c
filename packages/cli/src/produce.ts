import { createReadStream, existsSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { SwitchyardError } from "@switchyard/core";
import type { Stream } from "@switchyard/core";
import type { OutgoingRecord } from "@switchyard/core/driver";
import { parseCommandArgs, stringOption } from "./args.js";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { PROFILE_OPTIONS, PROFILE_OPTIONS_HELP, openProfile } from "./profile.js";
import { closeProfile, openRawStream } from "./stream-resource.js";

/** Records per send when the input is a file or a pipe. */
const BATCH = 500;

const USAGE = `Usage: switchyard produce <stream> [file.ndjson | -] [options]

Publishes newline-delimited JSON to a stream of the profile: one record per
line, its bytes as written (blank lines are skipped). Reads the file, or
standard input when the file is "-" or left out. Works on every back end the
profile can name (memory:// only reaches pipelines in the same process; use a
file: stream to feed the local profile from outside). A line that is not JSON
stops the command, naming the line; the lines before it were sent.

Options:
${PROFILE_OPTIONS_HELP}
  -k, --key <field>      use this top-level field of each line as the record key
  -h, --help             show this help

Examples:
  switchyard produce transactions events.ndjson
  switchyard produce transactions events.ndjson --profile kafka --key card
  echo '{"card":"c1","amount":12.5}' | switchyard produce transactions -`;

async function produce(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandArgs(args, { ...PROFILE_OPTIONS, key: { type: "string", short: "k" } });
  if (parsed.values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [name, file = "-", ...extra] = parsed.positionals;
  if (name === undefined)
    throw new UsageError("missing the stream name, e.g. switchyard produce transactions events.ndjson");
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const source = file === "-" ? "stdin" : file;
  const path = resolve(io.cwd, file);
  if (file !== "-" && !existsSync(path)) throw new SwitchyardError("NotFound", `${path} does not exist`);
  const keyField = stringOption(parsed, "key");

  const { resolver } = await openProfile(parsed, io);
  try {
    const stream = await openRawStream(resolver, name);
    const input = file === "-" ? (io.stdin ?? process.stdin) : createReadStream(path);
    // Typed lines go out one by one; a file or a pipe goes out in batches.
    const batchSize = file === "-" && (input as { isTTY?: boolean }).isTTY === true ? 1 : BATCH;
    const sent = await publishLines(stream, input, { source, keyField, batchSize, signal: io.signal });
    io.stderr(
      `produced ${sent} record${sent === 1 ? "" : "s"} to stream "${name}" (${resolver.describe("stream", name)})\n`,
    );
    return 0;
  } finally {
    await closeProfile(resolver, io);
  }
}

interface LineOptions {
  source: string;
  keyField: string | undefined;
  batchSize: number;
  signal: AbortSignal | undefined;
}

/** Publishes each non-blank line of `input`; resolves with the number sent. */
async function publishLines(
  stream: Stream<Uint8Array>,
  input: NodeJS.ReadableStream,
  options: LineOptions,
): Promise<number> {
  const encoder = new TextEncoder();
  let batch: OutgoingRecord[] = [];
  let sent = 0;
  let lineNumber = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await stream.publishRaw(batch, options.signal);
    sent += batch.length;
    batch = [];
  };
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    const text = line.trim();
    if (text === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      await flush();
      const detail = err instanceof Error ? err.message : String(err);
      throw new SwitchyardError(
        "InvalidArgument",
        `${options.source}:${lineNumber} is not JSON (${detail}) — ${sent} record${sent === 1 ? "" : "s"} before it were sent; fix the line and produce the rest`,
      );
    }
    batch.push({
      key: keyOf(value, options.keyField),
      value: encoder.encode(text),
      headers: { "content-type": "application/json" },
      timestamp: Date.now(),
    });
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  return sent;
}

/** The record key: the named top-level field of a JSON object, as text; none when the field is absent. */
function keyOf(value: unknown, field: string | undefined): string | undefined {
  if (field === undefined || typeof value !== "object" || value === null) return undefined;
  const key = (value as Record<string, unknown>)[field];
  if (key === undefined || key === null) return undefined;
  return typeof key === "string" ? key : JSON.stringify(key);
}

/** `switchyard produce`: publishes newline-delimited JSON from a file or stdin to a stream of the profile. */
export const produceCommand: Command = {
  name: "produce",
  summary: "publish newline-delimited JSON from a file or stdin to a stream",
  usage: USAGE,
  run: produce,
};
