/**
 * A conformance check: one named, self-contained assertion about a driver. The
 * suites are plain lists of checks, so vitest registers them as tests and the
 * kit's own mutant tests run them directly.
 */
export interface Check<C> {
  /** What the check proves, as a test title. */
  name: string;
  /** Why the check does not apply to this adapter, or undefined when it does. */
  skip?: string | undefined;
  /** Runs the check against a fresh context; rejects when the driver fails it. */
  run(context: C): Promise<void>;
}

/** A list of checks with the fresh context each one runs in. */
export interface Suite<C> {
  /** The suite's title, e.g. `stream conformance: kafka://`. */
  title: string;
  /** Longest a single check may take, in ms. */
  timeoutMs: number;
  /** The checks, cheapest and most telling first. */
  checks: Check<C>[];
  /** Builds the context of one check. */
  open(): Promise<C>;
  /** Releases what the check's context holds (drivers, streams, resources). */
  dispose(context: C): Promise<void>;
}

/** The outcome of one check run outside vitest. */
export interface CheckOutcome {
  /** The check's name. */
  name: string;
  /** Whether it passed, failed or did not apply. */
  status: "passed" | "failed" | "skipped";
  /** Why it failed. */
  error?: unknown;
}

/** Runs one check in a fresh context, failing it when it outlasts the suite's timeout. */
export async function runCheck<C>(suite: Suite<C>, check: Check<C>): Promise<void> {
  const context = await suite.open();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`check "${check.name}" took longer than ${suite.timeoutMs} ms`)),
      suite.timeoutMs,
    );
  });
  try {
    await Promise.race([check.run(context), timedOut]);
  } finally {
    clearTimeout(timer);
    await suite.dispose(context);
  }
}

/**
 * Runs a suite's checks one after another and reports each outcome. With
 * `bail`, stops at the first failure (enough to tell that a driver does not conform).
 */
export async function runSuite<C>(
  suite: Suite<C>,
  options: { bail?: boolean } = {},
): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const check of suite.checks) {
    if (check.skip !== undefined) {
      outcomes.push({ name: check.name, status: "skipped" });
      continue;
    }
    try {
      await runCheck(suite, check);
      outcomes.push({ name: check.name, status: "passed" });
    } catch (error) {
      outcomes.push({ name: check.name, status: "failed", error });
      if (options.bail === true) break;
    }
  }
  return outcomes;
}
