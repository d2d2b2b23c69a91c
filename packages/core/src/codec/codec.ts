/**
 * A codec turns values into bytes and back. `decode` throws a SwitchyardError
 * with code InvalidArgument for bytes it cannot read, so the runtime can send
 * the record to the dead-letter stream with its original bytes.
 */
export interface Codec<T> {
  /** A short name for logs and `x-error-*` headers, e.g. `json`, `avro`. */
  readonly name: string;
  /** The MIME type written to the `content-type` header. */
  readonly contentType: string;
  /** Encodes one value. */
  encode(value: T): Uint8Array;
  /** Decodes one payload; throws InvalidArgument on malformed or schema-invalid bytes. */
  decode(bytes: Uint8Array): T;
  /**
   * Resolves whatever `encode`/`decode` need asynchronously (schema ids from a
   * registry) for these payloads, before a batch is decoded. Optional; the
   * runtime calls it once per batch when present. Called with no payloads
   * before the first encode, it readies encoding (a registry codec registers
   * its schema); a codec that needs this and was not prepared fails `encode`
   * with a retryable error while it gets ready.
   */
  prepare?(payloads: readonly Uint8Array[]): Promise<void>;
}
