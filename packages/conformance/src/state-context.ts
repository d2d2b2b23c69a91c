import { StateStore, raw } from "@switchyard/core";
import type { StateStoreDriver } from "@switchyard/core/driver";
import { uniqueName } from "./fixtures.js";
import type { StateStoreHarness } from "./harness.js";

/** What a state check gets: a fresh driver, the portable store over it, and keys unique to the check. */
export interface StateContext {
  driver: StateStoreDriver;
  store: StateStore<Uint8Array>;
  /** A key unique to this check. */
  key: (name: string) => string;
  /** Remembers a store the check opened itself, to close it after the check. */
  track: (store: StateStore) => StateStore;
}

/** The context for one state check, with what releases it. */
export async function openStateContext(
  harness: StateStoreHarness,
): Promise<StateContext & { dispose(): Promise<void> }> {
  const driver = await harness.create();
  const store = new StateStore(driver, { name: "conformance", codec: raw(), adapter: harness.name });
  const prefix = uniqueName("k");
  const others: StateStore[] = [];
  return {
    driver,
    store,
    key: (name) => `${prefix}-${name}`,
    track: (s) => {
      others.push(s);
      return s;
    },
    async dispose() {
      await Promise.allSettled([store.close(), ...others.map((s) => s.close())]);
      await harness.cleanup?.();
    },
  };
}

/** Bytes from numbers. */
export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
