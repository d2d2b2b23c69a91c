/**
 * One network-fault run, shared by every back end: publish numbered records
 * through the proxy, start the relay pipeline, apply every fault of
 * NETWORK_FAULTS in turn, then read the output back and count.
 */
import { Stream, json } from "@switchyard/core";
import type { ResourceSource } from "@switchyard/core";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { Item } from "../e2e/scale-out/pipeline.js";
import { NETWORK_FAULTS, applyFaults } from "./network-faults.js";
import type { FaultOutcome } from "./network-faults.js";
import { collectEveryId } from "./read-back.js";
import { RelayRun, publishItems, relayPipeline, waitFor } from "./relay.js";
import type { Proxy } from "./toxiproxy-client.js";

/** What a network-fault run showed. */
export interface NetworkRunResult {
  /** Per fault, in order. */
  outcomes: FaultOutcome[];
  /** Ids that never reached the output. */
  missing: number[];
  /** Records done when the last fault ended. */
  doneAfterFaults: number;
  /** Duplicates in the output. */
  duplicates: number;
  /** Records dead-lettered. */
  deadLetters: number;
}

/** Handles the caller closes, whatever happens: the run and the output log. */
export interface NetworkRunHandles {
  relay?: RelayRun;
  log?: ProcessedLog;
}

/** Runs the relay through `proxy` on `resolver`'s streams and applies every fault; prints the figures. */
export async function networkRun(
  label: string,
  resolver: ResourceSource,
  proxy: Proxy,
  records: number,
  handles: NetworkRunHandles,
): Promise<NetworkRunResult> {
  const items = new Stream<Item>(await resolver.open("stream", "items"), { name: "items", codec: json() });
  await publishItems(items, records);
  const relay = new RelayRun(relayPipeline({ group: `${label}-relay`, workMsPerRecord: 2 }), resolver);
  handles.relay = relay;
  await waitFor("the pipeline gets going", () => relay.processed >= 1000, {
    timeoutMs: 30_000,
    failed: () => relay.crash(),
    detail: () => `${relay.processed} done`,
  });
  const outcomes = await applyFaults(proxy, relay, NETWORK_FAULTS, 3000);
  const doneAfterFaults = relay.processed;
  const { output, summary, missing } = await collectEveryId(
    resolver,
    `${label}-audit`,
    relay,
    records,
    (opened) => (handles.log = opened),
  );
  for (const outcome of outcomes) {
    const first = outcome.warnings[0] === undefined ? "" : ` — first: ${outcome.warnings[0].slice(0, 200)}`;
    console.log(
      `network fault (${label}): ${outcome.name}: ${outcome.doneDuring} done while it lasted, ${outcome.warnings.length} warnings${first}`,
    );
  }
  console.log(
    `network faults (${label}): ${records} records, ${missing.length} lost, ${output.duplicates} duplicates, ${summary.deadLetters} dead letters`,
  );
  return {
    outcomes,
    missing,
    doneAfterFaults,
    duplicates: output.duplicates,
    deadLetters: summary.deadLetters,
  };
}
