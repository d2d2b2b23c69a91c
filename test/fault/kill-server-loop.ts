/**
 * A server killed again and again under a busy run: the restart tests kill the
 * server behind a relay ten times at random moments of the run, each kill in
 * its own share of the records still to do (so the kills are spread over the
 * whole run), each outage a random length; then they read every id back and
 * check what every back end must show.
 */
import type { ResourceSource } from "@switchyard/core";
import { expect } from "vitest";
import type { ProcessedLog } from "../e2e/processed-log.js";
import type { OutageTimes } from "./outage.js";
import type { Collected } from "./read-back.js";
import { collectEveryId } from "./read-back.js";
import type { RelayRun } from "./relay.js";
import { waitFor } from "./relay.js";

/** Shortest and longest outage, ms: long enough for clients to notice, short enough for ten of them. */
const DOWN_MS = { min: 500, max: 3000 };

/** One kill of a {@link killServerRepeatedly} loop. */
export interface ServerKill extends OutageTimes {
  /** Records the run had done when the server was killed. */
  atProcessed: number;
}

/** Options of {@link killServerRepeatedly}. */
export interface KillServerOptions {
  /** The run kept busy on the server. */
  relay: RelayRun;
  /** Records the run has to do in all. */
  records: number;
  /** Kills. */
  kills: number;
  /** Kills the server, keeps it down `downMs` and starts it again on the same port and data. */
  restart: (downMs: number) => Promise<OutageTimes>;
  /** Longest the run may take to reach a kill's moment, ms (it includes the previous outage's recovery). */
  progressTimeoutMs: number;
}

/**
 * Kills the server `kills` times: kill i comes once the run has done a random
 * point of the i-th of `kills + 1` equal shares of what was left when the loop
 * began, and not before the run has done a record since the previous kill (a
 * run catching up in one jump may be past that moment already: the kill then
 * comes at once, or after the run's end). Fails when the run crashes or stops
 * making progress between kills.
 */
export async function killServerRepeatedly(options: KillServerOptions): Promise<ServerKill[]> {
  const { relay, records, kills } = options;
  const from = relay.processed;
  const done: ServerKill[] = [];
  for (let i = 0; i < kills; i++) {
    const share = from + Math.floor(((records - from) * (i + Math.random())) / (kills + 1));
    // At least one record more than at the last kill: each kill finds a run that got going again.
    const target = Math.min(records, Math.max(share, (done.at(-1)?.atProcessed ?? -1) + 1));
    await waitFor(
      `kill ${i + 1} of ${kills}: the run gets to record ${target}`,
      () => relay.processed >= target,
      {
        timeoutMs: options.progressTimeoutMs,
        failed: () => relay.crash(),
        detail: () =>
          `${relay.processed} of ${records} done; stats ${JSON.stringify(relay.stats())}; warnings:\n${relay.lastWarnings()}`,
      },
    );
    const atProcessed = relay.processed;
    const downMs = DOWN_MS.min + Math.round(Math.random() * (DOWN_MS.max - DOWN_MS.min));
    done.push({ atProcessed, ...(await options.restart(downMs)) });
  }
  return done;
}

/** One line about the kills, for a test's report: where each came and how long each outage lasted. */
export function describeKills(kills: readonly ServerKill[]): string {
  const at = kills.map((kill) => kill.atProcessed).join(", ");
  const down = kills.map((kill) => kill.downMs).join(", ");
  const restart = kills.map((kill) => kill.restartMs).join(", ");
  return `${kills.length} kills at records ${at}; down ms ${down}; restarts took ms ${restart}`;
}

/** What {@link collectAfterKills} read back, with the test's report line. */
export interface AfterKills extends Collected {
  /** Records, output, duplicates, dead letters, the kills, and how long the output took after the last restart. */
  report: string;
}

/**
 * Reads the output once the kills are over until every id of 0…records-1
 * arrived (see {@link collectEveryId}), stops the run, and makes the report
 * line; `server` names what was killed.
 */
export async function collectAfterKills(
  resolver: ResourceSource,
  group: string,
  relay: RelayRun,
  records: number,
  killed: { server: string; kills: readonly ServerKill[] },
  opened: (log: ProcessedLog) => void,
): Promise<AfterKills> {
  const backAt = Date.now();
  const collected = await collectEveryId(resolver, group, relay, records, opened);
  const { output, summary } = collected;
  const report =
    `${records} records, ${output.records} written, ${output.duplicates} duplicates, ` +
    `${summary.deadLetters} dead letters; ${killed.server}: ${describeKills(killed.kills)}; ` +
    `every id out ${Date.now() - backAt} ms after the last restart; ${relay.warnings.length} warnings`;
  return { ...collected, report };
}

/** What every restart test must show: every id out, none it never published, and nothing dead-lettered (an outage is transient). */
export function expectRiddenOut({ missing, unknown, summary, report }: AfterKills): void {
  expect({ missing: missing.length, unknown }, report).toEqual({ missing: 0, unknown: [] });
  expect(summary.deadLetters, `an outage is transient: nothing is dead-lettered; ${report}`).toBe(0);
}
