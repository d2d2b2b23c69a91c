import type { IncomingRecord } from "@switchyard/core/driver";

/** Headers the runtime adds to a dead letter; the rest are the original record's own. */
export const ERROR_HEADER_PREFIX = "x-error-";

/** The most value bytes printed as hex before the rest is cut. */
const MAX_HEX_BYTES = 256;

/** One dead letter as `switchyard dlq --json` prints it. */
export interface DeadLetterView {
  /** Partition and offset in the dead-letter stream. */
  partition: string;
  offset: string;
  /** The original record's key. */
  key: string | undefined;
  /** Why it was given up on: the `x-error-*` headers without their prefix (`code`, `message`, `stage`…). */
  reason: Record<string, string>;
  /** The original record's own headers. */
  headers: Record<string, string>;
  /** The original bytes, parsed, when they are JSON. */
  json?: unknown;
  /** The original bytes as hex, when they are not JSON. */
  hex?: string;
  /** The original size in bytes. */
  bytes: number;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Splits a dead letter into its reason, its own headers and its bytes (JSON when they parse, else hex). */
export function viewOf(record: IncomingRecord): DeadLetterView {
  const reason: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (name.startsWith(ERROR_HEADER_PREFIX)) reason[name.slice(ERROR_HEADER_PREFIX.length)] = value;
    else headers[name] = value;
  }
  const value = record.value;
  const view: DeadLetterView = {
    partition: record.position.partition,
    offset: record.position.offset,
    key: record.key,
    reason,
    headers,
    bytes: value.byteLength,
  };
  const parsed = parseJson(value);
  if (parsed.ok) view.json = parsed.value;
  else view.hex = Buffer.from(value.subarray(0, MAX_HEX_BYTES)).toString("hex");
  return view;
}

function parseJson(value: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(decoder.decode(value)) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A dead letter as a few lines of text for a terminal. */
export function formatView(view: DeadLetterView): string {
  const r = view.reason;
  const key = view.key === undefined ? "" : `  key ${JSON.stringify(view.key)}`;
  const lines = [`${view.partition}@${view.offset}${key}  ${r.time ?? ""}`.trimEnd()];
  const where = [
    r.stage === undefined ? undefined : `stage ${r.stage}`,
    r.attempts === undefined ? undefined : `attempts ${r.attempts}`,
    r.pipeline === undefined ? undefined : `pipeline ${r.pipeline}`,
    r.source === undefined ? undefined : `from ${r.source} ${r.partition ?? "?"}@${r.offset ?? "?"}`,
  ].filter((part) => part !== undefined);
  if (where.length > 0) lines.push(`  ${where.join(" · ")}`);
  lines.push(`  ${r.code ?? "Unknown"}: ${r.message ?? "(no x-error-message header)"}`);
  if (view.json !== undefined)
    lines.push(`  value (JSON, ${view.bytes} bytes): ${JSON.stringify(view.json)}`);
  else {
    const cut = view.bytes > MAX_HEX_BYTES ? ` … (${view.bytes} bytes in all)` : "";
    lines.push(`  value (hex, ${view.bytes} bytes): ${view.hex ?? ""}${cut}`);
  }
  return lines.join("\n");
}
