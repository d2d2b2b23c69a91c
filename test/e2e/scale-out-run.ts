/**
 * What the scale-out tests share: the `switchyard run` instances of one run,
 * one of them the victim to kill; waiting on the output's tally, failing with
 * the counts and every instance's output when a bound passes or a survivor
 * exits; the report's common part; and clean-up, whatever happened.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killInstance, startInstance, stopInstance } from "./instances.js";
import type { PipelineInstance } from "./instances.js";

/** What the tests read the output stream into (ProcessedLog, KeyedLog). */
export interface OutputTally {
  /** Times each id arrived. */
  readonly arrivals: ReadonlyMap<number, number>;
  /** Distinct ids seen. */
  readonly distinct: number;
  /** Records read in all. */
  readonly records: number;
  /** Records beyond the first of each id. */
  readonly duplicates: number;
  /** Records written by `instance`. */
  countOf(instance: string): number;
  /** Throws what stopped the reading, if anything did. */
  check(): void;
  /** Stops reading. */
  close(): Promise<void>;
}

/** Options of {@link ScaleOutRun}. */
export interface ScaleOutRunOptions {
  /** The instances' names, which they stamp on what they write. */
  names: readonly string[];
  /** The one to kill. */
  victim: string;
  /** Prefix of the temporary folder for the instances' logs. */
  logPrefix: string;
  /** How many ids the output must hold in the end (it may grow while the test runs). */
  expected: () => number;
  /** Further checks each wait makes, e.g. that publishing still works. */
  check?: () => void;
}

/** The instances of one scale-out run and the tally of their output. */
export class ScaleOutRun {
  /** The instances started, in order. */
  readonly instances: PipelineInstance[] = [];
  /** The output's tally, once the test reads it. */
  log: OutputTally | undefined;
  private readonly logDir: string;

  constructor(private readonly options: ScaleOutRunOptions) {
    this.logDir = mkdtempSync(join(tmpdir(), options.logPrefix));
  }

  /** Starts one `switchyard run <args…>` per name, in `cwd` with `env`. */
  start(args: readonly string[], cwd: string, env: Record<string, string>): void {
    for (const name of this.options.names) {
      this.instances.push(startInstance(name, args, { cwd, env, logDir: this.logDir }));
    }
  }

  /** The instance to kill. */
  get victim(): PipelineInstance {
    const victim = this.instances.find((i) => i.name === this.options.victim);
    if (victim === undefined) throw new Error(`no instance ${this.options.victim} was started`);
    return victim;
  }

  /** Records `name` wrote, as the output shows them. */
  countOf(name: string): number {
    return this.log?.countOf(name) ?? 0;
  }

  /** Waits for `done`, failing with the counts and every instance's output after `timeoutMs` or when a survivor exits. */
  async until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      this.log?.check();
      this.options.check?.();
      const died = this.instances.find((i) => !i.running() && i.name !== this.options.victim);
      if (died !== undefined || Date.now() > deadline) {
        const counts = this.options.names.map((n) => `${n}=${this.countOf(n)}`).join(" ");
        const outputs = this.instances.map((i) => `--- ${i.name}:\n${i.output()}`).join("\n");
        const why = died === undefined ? `not within ${timeoutMs} ms` : `instance ${died.name} exited`;
        const ids = `${this.log?.distinct ?? 0}/${this.options.expected()} ids`;
        throw new Error(`${what}: ${why}; ${ids}, written ${counts}\n${outputs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills the victim with SIGKILL and waits until it is gone. */
  async kill(): Promise<void> {
    await killInstance(this.victim);
  }

  /** Asks every instance but the victim to stop (SIGTERM); their exit codes, or why they were killed. */
  stopSurvivors(timeoutMs: number): Promise<(number | string)[]> {
    const survivors = this.instances.filter((i) => i.name !== this.options.victim);
    return Promise.all(survivors.map((i) => stopInstance(i, timeoutMs)));
  }

  /** Ids 0 … records-1 that never arrived (their count), and arrived ids outside that range. */
  gaps(records: number): { missing: number; unknown: number[] } {
    const arrivals = this.log?.arrivals ?? new Map<number, number>();
    let missing = 0;
    for (let id = 0; id < records; id++) if (!arrivals.has(id)) missing++;
    const unknown = [...arrivals.keys()].filter((id) => !(id >= 0 && id < records));
    return { missing, unknown };
  }

  /** The report's common part: records, what each instance wrote, duplicates, the victim's count at the kill. */
  summary(records: number, victimAtKill: number): string {
    const written = this.options.names.map((n) => `${n} ${this.countOf(n)}`).join(", ");
    return (
      `${records} records, ${this.log?.records ?? 0} written (${written}), ${this.log?.duplicates ?? 0} duplicates; ` +
      `${this.options.victim} killed at ${victimAtKill} written by it`
    );
  }

  /** Stops every instance still running, removes their logs and stops reading the output. */
  async close(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.process.stop(2000)));
    rmSync(this.logDir, { recursive: true, force: true });
    await this.log?.close().catch(() => undefined);
  }
}
