/** What the Kinesis end-to-end tests share: publishing items and setting the AWS variables. */
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
