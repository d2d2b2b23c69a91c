/** A name unique to this run, for keys, measurements and resources. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Resolves after `ms`. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The bytes of a Uint8Array (or Buffer) as a plain array, so that values compare equal whatever their class. */
export function bytesOf(value: Uint8Array | undefined): number[] | undefined {
  return value === undefined ? undefined : Array.from(value);
}
