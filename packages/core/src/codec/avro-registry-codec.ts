import type { Type } from "avsc";
import { SwitchyardError, codeOf, isRetryable } from "../errors.js";
import type { AvroResolver } from "./avro-type.js";
import { avroType, readAvro, resolverFor, schemaText } from "./avro-type.js";
import { AvroWriter } from "./avro-writer.js";
import type { AvroScanner } from "./avro-scan.js";
import { avroScanner } from "./avro-scan.js";
import type { ResolvedLimits } from "./decode-limits.js";
import type { Codec } from "./codec.js";
import { invalidArgument, messageOf } from "./codec-error.js";
import type { SchemaRegistry } from "./schema-registry.js";
import { WIRE_HEADER_LENGTH, isSchemaId, peekSchemaId, readSchemaId } from "./wire-format.js";

/** How records written with one schema id are read: directly, through a resolver, or not at all (and why). */
type Reading =
  | { readonly ok: true; readonly resolver: AvroResolver | undefined; readonly scan: AvroScanner | undefined }
  | { readonly ok: false; readonly problem: string; readonly retry: boolean; readonly cause: unknown };

/**
 * How many ids that could not be read are remembered (oldest forgotten first),
 * so that records naming made-up schema ids cannot grow the codec without bound.
 */
const MAX_FAILED_IDS = 4096;

/**
 * Avro in the Confluent wire format. Writer schemas are fetched by id in
 * `prepare` and kept for the codec's lifetime (a registry never changes the
 * schema behind an id), so decoding stays synchronous and fetches once per id.
 */
export class RegistryAvroCodec<T> implements Codec<T> {
  readonly name = "avro";
  readonly contentType = "application/vnd.confluent.avro";
  readonly #writer: AvroWriter;
  readonly #reader: Type;
  readonly #registry: SchemaRegistry;
  readonly #subject: string | undefined;
  readonly #limits: ResolvedLimits;
  readonly #readings = new Map<number, Reading>();
  /** The ids in `#readings` whose reading failed, oldest first. */
  readonly #failedIds = new Set<number>();
  readonly #loading = new Map<number, Promise<void>>();
  #schemaId: number | undefined;
  #registering: Promise<number> | undefined;
  #registerError: unknown;

  constructor(
    writer: Type,
    reader: Type,
    registry: SchemaRegistry,
    subject: string | undefined,
    limits: ResolvedLimits,
  ) {
    if (subject !== undefined && (typeof subject !== "string" || subject === "")) {
      throw invalidArgument("avro", 'subject must be a non-empty string, e.g. "transactions-value"');
    }
    this.#writer = new AvroWriter(writer);
    this.#reader = reader;
    this.#registry = registry;
    this.#subject = subject;
    this.#limits = limits;
    // Checked now so an incompatible pair fails at startup, not on the first record.
    resolverFor(reader, writer, "the codec's schema");
  }

  /**
   * Fetches the writer schema of every id in `payloads` not seen before, and
   * registers the codec's schema under its subject if that is not done yet.
   * Rejects when the registry cannot be reached; ids the registry does not
   * know make `decode` throw for those records only.
   */
  async prepare(payloads: readonly Uint8Array[]): Promise<void> {
    const waits: Promise<unknown>[] = [];
    if (this.#subject !== undefined && this.#schemaId === undefined) waits.push(this.#register());
    const seen = new Set<number>();
    for (const payload of payloads) {
      const id = peekSchemaId(payload);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      const reading = this.#readings.get(id);
      if (reading !== undefined && (reading.ok || !reading.retry)) continue;
      let loading = this.#loading.get(id);
      if (loading === undefined) {
        loading = this.#load(id).finally(() => this.#loading.delete(id));
        this.#loading.set(id, loading);
      }
      waits.push(loading);
    }
    await Promise.all(waits);
  }

  encode(value: T): Uint8Array {
    if (this.#schemaId === undefined) throw this.#notRegistered();
    return this.#writer.write(value, this.#schemaId);
  }

  decode(bytes: Uint8Array): T {
    const id = readSchemaId(bytes, "avro");
    const reading = this.#readings.get(id);
    if (reading === undefined) {
      throw invalidArgument(
        "avro",
        `schema id ${id} is unknown to this codec — prepare() must fetch it from the registry before decode`,
      );
    }
    if (!reading.ok) throw invalidArgument("avro", reading.problem, reading.cause);
    return readAvro(this.#reader, reading.resolver, reading.scan, bytes, WIRE_HEADER_LENGTH) as T;
  }

  async #load(id: number): Promise<void> {
    let text: string;
    try {
      text = await this.#registry.getById(id);
    } catch (err) {
      const problem = `schema id ${id} could not be fetched from the registry: ${messageOf(err)}`;
      this.#failed(id, { ok: false, problem, retry: true, cause: err });
      // A missing id is the record's problem (decode reports it); anything else is the registry's, worth retrying.
      if (codeOf(err) === "NotFound") return;
      throw err;
    }
    try {
      const writer = avroType(text, `the schema with id ${id}`);
      this.#failedIds.delete(id);
      this.#readings.set(id, {
        ok: true,
        resolver: resolverFor(this.#reader, writer, `schema id ${id}`),
        scan: avroScanner(writer, this.#limits),
      });
    } catch (err) {
      this.#failed(id, {
        ok: false,
        problem: messageOf(err).replace(/^avro: /, ""),
        retry: false,
        cause: err,
      });
    }
  }

  #failed(id: number, reading: Reading): void {
    this.#readings.set(id, reading);
    this.#failedIds.delete(id);
    this.#failedIds.add(id);
    if (this.#failedIds.size > MAX_FAILED_IDS) {
      const oldest = this.#failedIds.values().next().value!;
      this.#failedIds.delete(oldest);
      this.#readings.delete(oldest);
    }
  }

  #register(): Promise<number> {
    this.#registering ??= this.#registry.register(this.#subject!, schemaText(this.#writer.type)).then(
      (id) => {
        if (!isSchemaId(id))
          throw new SwitchyardError("Internal", `avro: the registry returned schema id ${String(id)}`);
        this.#readings.set(id, {
          ok: true,
          resolver: resolverFor(this.#reader, this.#writer.type, `schema id ${id}`),
          scan: avroScanner(this.#writer.type, this.#limits),
        });
        this.#schemaId = id;
        return id;
      },
      (err: unknown) => {
        this.#registering = undefined;
        this.#registerError = err;
        throw err;
      },
    );
    return this.#registering;
  }

  /** Why encode cannot run yet; starts the registration so that a retry can succeed. */
  #notRegistered(): SwitchyardError {
    if (this.#subject === undefined) {
      return invalidArgument(
        "avro",
        "this codec has a registry but no subject, so it only decodes — pass { subject } to encode",
      );
    }
    const last = this.#registerError;
    // Errors are reported to the caller of the next encode or prepare, not lost.
    this.#register().catch(() => undefined);
    const code = last !== undefined && !isRetryable(codeOf(last)) ? codeOf(last) : "Unavailable";
    const why = last === undefined ? "is not registered yet" : `could not be registered: ${messageOf(last)}`;
    return new SwitchyardError(
      code,
      `avro: the schema for subject "${this.#subject}" ${why} — await codec.prepare([]) before the first encode`,
      last === undefined ? undefined : { cause: last },
    );
  }
}
