import { SwitchyardError, embedded } from "@switchyard/core";
import type { IncomingRecord, Position, StreamCapabilities, StreamDriver } from "@switchyard/core/driver";
import { MEMORY_STREAM_CAPABILITIES } from "../../../core/src/embedded/memory-stream.js";
import { uniqueName } from "../fixtures.js";
import type { StreamHarness } from "../stream-harness.js";
import { streamSuite } from "../stream.js";
import type { Mutant } from "./mutant.js";
import { MUTANT_TIMEOUT_MS, anySuite } from "./mutant.js";
import type { StreamDefect } from "./stream-wrap.js";
import { keyOrdered, mixesKeys, reordersOneKey } from "./stream-order.js";
import { brokenStream, mapHeaders } from "./stream-wrap.js";

const memory = embedded().schemes.find((s) => s.kind === "stream" && s.scheme === "memory")!;

/**
 * The harness of the embedded `memory://` stream over drivers with `defect`,
 * claiming what the stream truly does unless `overclaimed` says otherwise.
 */
export function memoryStreamHarness(
  defect: () => StreamDefect,
  overclaimed: Partial<StreamCapabilities> = {},
): StreamHarness {
  return {
    name: "memory:// (mutant)",
    claims: {
      capabilities: { ...MEMORY_STREAM_CAPABILITIES, ...overclaimed },
      probe: true,
      lag: true,
      nack: false,
      assignment: true,
    },
    client: null,
    timeoutMs: MUTANT_TIMEOUT_MS,
    redeliveryWithinMs: 1_000,
    create: async ({ partitions }) => {
      const url = new URL(`memory://${uniqueName("mutant")}?partitions=${partitions}`);
      const broken = defect();
      return {
        open: async () =>
          brokenStream((await memory.create(url, { name: "mutant", baseDir: "." })) as StreamDriver, broken),
      };
    },
  };
}

const mutant = (name: string, defect: () => StreamDefect): Mutant => ({
  name: `stream: ${name}`,
  suite: () => anySuite(streamSuite(memoryStreamHarness(defect))),
});
const lie = (name: string, capabilities: Partial<StreamCapabilities>) =>
  mutant(`declares ${name}`, () => ({ capabilities }));
const onReceive = (change: (records: IncomingRecord[]) => IncomingRecord[]): StreamDefect => ({
  consumer: (inner) => ({ receive: async (max, signal) => change(await inner.receive(max, signal)) }),
});

/** A driver that declares more than it does, with a harness that believes it. */
const overclaim = (name: string, capabilities: Partial<StreamCapabilities>): Mutant => ({
  name: `stream: claims ${name}`,
  suite: () => anySuite(streamSuite(memoryStreamHarness(() => ({ capabilities }), capabilities))),
});

/** Highest offset received per partition, for defects that commit more than they were told. */
function tracking(inner: { receive(max: number, signal: AbortSignal): Promise<IncomingRecord[]> }) {
  const latest = new Map<string, Position>();
  const receive = async (max: number, signal: AbortSignal) => {
    const records = await inner.receive(max, signal);
    for (const r of records) latest.set(r.position.partition, r.position);
    return records;
  };
  return { receive, latest: () => [...latest.values()] };
}

/** Broken `memory://` stream drivers, one defect each. */
export const STREAM_MUTANTS: Mutant[] = [
  lie("ordering none", { ordering: "none" }),
  lie("no replay", { replay: false }),
  lie("no timestamp starts", { startFromTimestamp: false }),
  lie("no groups", { groups: false }),
  lie("no headers", { headers: false }),
  lie("ack settlement", { settlement: "ack" }),
  lie("a larger record limit than it keeps", { maxRecordBytes: 4 * 1024 * 1024 }),
  overclaim("a larger record limit than it keeps", { maxRecordBytes: 4 * 1024 * 1024 }),
  mutant("has no probe()", () => ({ dropProbe: true })),
  mutant("has no lag()", () => ({ dropConsumer: ["lag"] })),
  mutant("has no onAssignment()", () => ({ dropConsumer: ["onAssignment"] })),
  mutant("drops a header", () => onReceive((rs) => mapHeaders(rs, ({ "x-empty": _, ...rest }) => rest))),
  mutant("adds a header", () => onReceive((rs) => mapHeaders(rs, (h) => ({ ...h, "x-stray": "1" })))),
  mutant("trims header values", () =>
    onReceive((rs) =>
      mapHeaders(rs, (h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.trim()]))),
    ),
  ),
  mutant("rewrites event times to arrival", () =>
    onReceive((rs) => rs.map((r) => ({ ...r, timestamp: Date.now() }))),
  ),
  mutant("reorders one key", reordersOneKey),
  mutant("reorders records of different keys on a partition", mixesKeys),
  {
    name: "stream: reorders one key, declaring per-key order",
    suite: () => anySuite(streamSuite(memoryStreamHarness(keyOrdered(reordersOneKey), { ordering: "key" }))),
  },
  mutant("repeats record ids across partitions", () =>
    onReceive((rs) => rs.map((r) => ({ ...r, id: r.position.offset }))),
  ),
  mutant("skips a record after restart", () => {
    const joined = new Set<string>();
    return {
      consumer: (inner, options) => {
        let skip = joined.has(options.group);
        joined.add(options.group);
        return {
          receive: async (max, signal) => {
            const records = await inner.receive(max, signal);
            if (!skip || records.length === 0) return records;
            skip = false;
            return records.slice(1);
          },
        };
      },
    };
  }),
  mutant("commits past an unfinished record", () => ({
    consumer: (inner) => {
      const t = tracking(inner);
      return { receive: t.receive, commit: () => inner.commit(t.latest()) };
    },
  })),
  mutant("loses unsettled records on close", () => ({
    consumer: (inner) => {
      const t = tracking(inner);
      return {
        receive: t.receive,
        close: async () => {
          await inner.commit(t.latest());
          await inner.close();
        },
      };
    },
  })),
  mutant("ignores { offsets } starts", () => ({
    openConsumer: (inner, o) =>
      inner.openConsumer("offsets" in Object(o.start) ? { ...o, start: "earliest" } : o),
  })),
  mutant("ignores { timestamp } starts", () => ({
    openConsumer: (inner, o) =>
      inner.openConsumer("timestamp" in Object(o.start) ? { ...o, start: "earliest" } : o),
  })),
  mutant("gives every consumer every partition", () => ({
    openConsumer: (inner, o) => inner.openConsumer({ ...o, group: `${o.group}/${o.consumerName}` }),
  })),
  mutant("reports lag that never drains", () => ({ consumer: () => ({ lag: async () => ({ "0": 1 }) }) })),
  mutant("truncates records above the limit", () => ({
    send: (inner, records, signal) =>
      inner.send(
        records.map((r) => ({ ...r, value: r.value.subarray(0, inner.capabilities.maxRecordBytes - 16) })),
        signal,
      ),
  })),
  mutant("classifies nothing", () => ({ errorCode: () => "Unknown" })),
  mutant("calls every error Canceled", () => ({ errorCode: () => "Canceled" })),
  mutant("throws from errorCode on odd values", () => ({
    errorCode: (err) => ((err as Error).message.length > 0 ? "Unknown" : "Internal"),
  })),
  mutant("as() answers for every class", () => ({ as: <T>() => ({}) as T })),
  mutant("hangs on a call after close", () => {
    let closed = false;
    return {
      send: (inner, records, signal) => (closed ? new Promise(() => undefined) : inner.send(records, signal)),
      close: async (inner) => {
        closed = true;
        await inner.close();
      },
    };
  }),
  mutant("fails a second close()", () => {
    let closed = false;
    return {
      close: async (inner) => {
        if (closed) throw new SwitchyardError("FailedPrecondition", "already closed");
        closed = true;
        await inner.close();
      },
    };
  }),
];
