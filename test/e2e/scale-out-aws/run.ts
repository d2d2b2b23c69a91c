/** What the Kinesis scale-out and resharding tests share: publishing, waiting, and the AWS variables. */
import type { Stream } from "@switchyard/core";
import type { Item } from "../scale-out/pipeline.js";

/** Publishes items 0 … count-1 in sends of 500 (one PutRecords each), keyed by `key(id)`. */
export async function publishItems(
  items: Stream<Item>,
  count: number,
  key: (id: number) => string,
  first = 0,
): Promise<void> {
  for (let at = first; at < first + count; at += 500) {
    const ids = Array.from({ length: Math.min(500, first + count - at) }, (_, i) => at + i);
    await items.publish(ids.map((id) => ({ key: key(id), value: { id } })));
  }
}

/** What {@link untilOrFail} reports on when it gives up. */
export interface Watch {
  /** Throws what stopped the output's reader, if anything did. */
  check(): void;
  /** The name of an instance that exited when it should not have, if any. */
  died(): string | undefined;
  /** The counts and instance output to show on failure. */
  state(): string;
}

/** Waits for `done`, failing with the watch's state after `timeoutMs` or when an instance died. */
export async function untilOrFail(
  what: string,
  done: () => boolean,
  timeoutMs: number,
  watch: Watch,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    watch.check();
    const died = watch.died();
    if (died !== undefined || Date.now() > deadline) {
      const why = died === undefined ? `not within ${timeoutMs} ms` : `instance ${died} exited`;
      throw new Error(`${what}: ${why}; ${watch.state()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sets variables on this process (the adapter reads `AWS_ENDPOINT_URL_*` as the SDK does) and puts them back. */
export function withEnv(vars: Record<string, string>): { apply(): void; undo(): void } {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  return {
    apply: () => Object.assign(process.env, vars),
    undo: () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}
