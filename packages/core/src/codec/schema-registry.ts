import { SwitchyardError } from "../errors.js";
import { invalidArgument } from "./codec-error.js";
import { isSchemaId } from "./wire-format.js";

/**
 * A schema registry: hands out a numeric id per schema and returns the schema
 * text for an id. Codecs write the id into each payload (the Confluent wire
 * format) so readers can find the schema a record was written with.
 */
export interface SchemaRegistry {
  /**
   * Registers `schema` (the schema's JSON text) under `subject` and resolves
   * with its id; registering a schema that is already there returns the same
   * id. Rejects with FailedPrecondition when the subject's compatibility rule
   * refuses the schema.
   */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text registered with this id; rejects with NotFound when there is none. */
  getById(id: number): Promise<string>;
}

/** Checks the arguments every registry takes, so each implementation refuses bad input the same way. */
export function checkRegisterArgs(subject: unknown, schema: unknown): void {
  if (typeof subject !== "string" || subject === "") {
    throw invalidArgument("schema registry", 'subject must be a non-empty string, e.g. "transactions-value"');
  }
  if (typeof schema !== "string" || schema === "") {
    throw invalidArgument("schema registry", "schema must be the schema's JSON text");
  }
}

/** Checks a schema id before asking a registry for it. */
export function checkSchemaId(id: unknown): asserts id is number {
  if (!isSchemaId(id)) {
    throw invalidArgument(
      "schema registry",
      `schema id must be an integer from 0 to 2147483647, got ${String(id)}`,
    );
  }
}

/**
 * A schema registry held in memory, for tests and the local profile. Like
 * Confluent's, ids are global: the same schema text gets the same id under
 * every subject. JSON schema text is compared after normalising whitespace.
 */
export class MemorySchemaRegistry implements SchemaRegistry {
  readonly #idBySchema = new Map<string, number>();
  readonly #schemaById = new Map<number, string>();
  readonly #subjects = new Map<string, number[]>();

  async register(subject: string, schema: string): Promise<number> {
    checkRegisterArgs(subject, schema);
    const text = normalise(schema);
    let id = this.#idBySchema.get(text);
    if (id === undefined) {
      id = this.#schemaById.size + 1;
      this.#idBySchema.set(text, id);
      this.#schemaById.set(id, text);
    }
    const versions = this.#subjects.get(subject) ?? [];
    if (!versions.includes(id)) versions.push(id);
    this.#subjects.set(subject, versions);
    return id;
  }

  async getById(id: number): Promise<string> {
    checkSchemaId(id);
    const schema = this.#schemaById.get(id);
    if (schema === undefined) {
      throw new SwitchyardError("NotFound", `schema registry: no schema with id ${id}`);
    }
    return schema;
  }

  /** The schema ids registered under `subject`, oldest version first (empty for an unknown subject). */
  versions(subject: string): number[] {
    return [...(this.#subjects.get(subject) ?? [])];
  }
}

function normalise(schema: string): string {
  try {
    return JSON.stringify(JSON.parse(schema));
  } catch {
    // Not JSON (e.g. a protobuf definition): kept as written.
    return schema;
  }
}
