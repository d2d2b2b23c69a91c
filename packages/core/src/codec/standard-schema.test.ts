import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { raw } from "./raw.js";
import { json } from "./json.js";
import type { StreamDriver } from "../driver/index.js";
import { resetMemoryStreams } from "../embedded/memory-log.js";
import { memoryStream } from "../embedded/memory-stream.js";
import { SwitchyardError } from "../errors.js";
import { pipeline } from "../pipeline/builder.js";
import { run } from "../pipeline/run.js";
import { Stream } from "../resources/stream.js";

const Transaction = z.object({ card: z.string(), amount: z.number().positive() });
const bytes = (text: string) => new TextEncoder().encode(text);

function decodeError(decode: () => unknown): SwitchyardError {
  try {
    decode();
  } catch (err) {
    if (err instanceof SwitchyardError) return err;
    throw err;
  }
  throw new Error("decode did not throw");
}

describe("json() with a Standard Schema (zod)", () => {
  const codec = json(Transaction);

  it("returns the validated value", () => {
    expect(codec.decode(bytes('{"card":"c1","amount":12.5}'))).toEqual({ card: "c1", amount: 12.5 });
  });

  it("returns the schema's output: transforms apply and unknown keys go", () => {
    const withDefault = json(z.object({ card: z.string(), currency: z.string().default("EUR") }));
    expect(withDefault.decode(bytes('{"card":"c1","extra":true}'))).toEqual({ card: "c1", currency: "EUR" });
  });

  it("refuses a record that does not match, with the validator's messages and paths", () => {
    const err = decodeError(() => codec.decode(bytes('{"card":7,"amount":-1}')));
    expect(err.code).toBe("InvalidArgument");
    expect(err.message).toMatch(/^json: record does not match the zod schema: card: .*string.*; amount: .*/);
  });

  it("still refuses bytes that are not JSON before validating", () => {
    expect(decodeError(() => codec.decode(bytes("{nope"))).message).toContain("payload is not valid JSON");
  });

  it("refuses an asynchronous schema with the fix, since codecs decode synchronously", () => {
    const asyncSchema = json(z.object({ card: z.string() }).refine(async () => true));
    expect(decodeError(() => asyncSchema.decode(bytes('{"card":"c"}'))).message).toContain(
      "validates asynchronously",
    );
  });
});

describe("a pipeline reading with json(schema)", () => {
  afterEach(() => resetMemoryStreams());

  it("sends invalid records to the dead-letter stream with the validator's message and original bytes", async () => {
    const tx = memoryStream("schema-tx");
    const out = memoryStream("schema-out");
    const dlq = memoryStream("schema-dlq");
    const lines = ['{"card":"c1","amount":5}', '{"card":"c2","amount":"5"}', '{"card":"c3","amount":7}'];
    await tx.send(
      lines.map((line) => ({ key: undefined, value: bytes(line), headers: {}, timestamp: Date.now() })),
      AbortSignal.timeout(5000),
    );
    const streams: Record<string, StreamDriver> = { tx, out, "dead-letters": dlq };
    const resolver = {
      open: async (_kind: string, name: string) => streams[name] as never,
      names: (kind: string) => (kind === "stream" ? Object.keys(streams) : []),
    };
    const p = pipeline("validated")
      .from("tx", { codec: json(Transaction), group: "g" })
      .map((t) => ({ card: t.card, doubled: t.amount * 2 }))
      .to("out");
    const running = run(p, { resolver });
    const end = Date.now() + 10_000;
    while (running.stats().processed < lines.length && Date.now() < end)
      await new Promise((r) => setTimeout(r, 10));
    const summary = await running.stop();
    expect(summary.deadLetters).toBe(1);

    const dead = await readAll(dlq);
    expect(dead).toHaveLength(1);
    expect(new TextDecoder().decode(dead[0]!.value)).toBe(lines[1]);
    expect(dead[0]!.headers["x-error-stage"]).toBe("decode");
    expect(dead[0]!.headers["x-error-message"]).toMatch(/record does not match the zod schema: amount: /);
    const written = (await readAll(out)).map((r) => JSON.parse(new TextDecoder().decode(r.value)) as unknown);
    expect(written).toEqual([
      { card: "c1", doubled: 10 },
      { card: "c3", doubled: 14 },
    ]);
  });
});

async function readAll(
  driver: StreamDriver,
): Promise<{ value: Uint8Array; headers: Record<string, string> }[]> {
  const sub = await new Stream<Uint8Array>(driver, { name: "read", codec: raw() }).subscribe({
    group: `reader-${Math.random()}`,
  });
  const records: { value: Uint8Array; headers: Record<string, string> }[] = [];
  for (;;) {
    const batch = await sub.receive(AbortSignal.timeout(300));
    if (batch === undefined) break;
    for (const r of batch.records) records.push({ value: r.value, headers: r.headers });
  }
  await sub.close();
  return records;
}
