import type { DriverByKind, ResourceKind } from "../driver/index.js";
import { SwitchyardError, wrapError } from "../errors.js";
import { raceAbort } from "../resources/signals.js";
import type { ResourceSource } from "./resources.js";

/** A resource a run opens: its kind and name in the profile. */
export interface Wanted {
  kind: ResourceKind;
  name: string;
  /** Set when the run can go on without an answer (a model with a fallback): a failed probe is only reported here. */
  degraded?: (error: SwitchyardError) => void;
}

/**
 * Opens every wanted resource and probes it (when its driver can), all at once,
 * within `timeoutMs`. A resource the run can do without (`degraded`) only
 * reports a failed probe. Resolves with the drivers in the order asked; rejects
 * with the first failure (naming the resource, its URL and the fix, and how
 * many others failed) once every attempt has ended or the deadline passed, so
 * nothing is left opening behind the error.
 */
export async function openAndProbe(
  source: ResourceSource,
  wanted: readonly Wanted[],
  timeoutMs: number,
): Promise<DriverByKind[ResourceKind][]> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const results = await Promise.allSettled(wanted.map((w) => openOne(source, w, deadline, timeoutMs)));
  const failures: SwitchyardError[] = [];
  for (const r of results) if (r.status === "rejected") failures.push(r.reason as SwitchyardError);
  const [first] = failures;
  if (first === undefined) return results.map((r) => (r as PromiseFulfilledResult<never>).value);
  if (failures.length === 1) throw first;
  throw new SwitchyardError(first.code, `${first.message} (and ${failures.length - 1} more failed)`, {
    cause: new AggregateError(failures),
  });
}

async function openOne(
  source: ResourceSource,
  { kind, name, degraded }: Wanted,
  deadline: AbortSignal,
  timeoutMs: number,
): Promise<DriverByKind[ResourceKind]> {
  const where = `${kind} "${name}"${describe(source, kind, name)}`;
  const late = () =>
    new SwitchyardError(
      "DeadlineExceeded",
      `${where} did not answer within ${timeoutMs} ms at startup — is it running and reachable? (fix its URL in the profile if not)`,
    );
  let driver: DriverByKind[ResourceKind];
  try {
    driver = await raceAbort(source.open(kind, name), deadline, where);
  } catch (err) {
    if (deadline.aborted) throw late();
    throw err instanceof SwitchyardError
      ? err
      : new SwitchyardError("Unknown", `${where}: ${String(err)}`, { cause: err });
  }
  if (driver.probe === undefined) return driver;
  try {
    await raceAbort(driver.probe(deadline), deadline, where);
  } catch (err) {
    let error: SwitchyardError;
    if (deadline.aborted) error = late();
    else {
      const wrapped = wrapError(err, (e) => driver.errorCode(e), where);
      const detail = wrapped.message.startsWith(where)
        ? wrapped.message.slice(where.length + 2)
        : wrapped.message;
      error = new SwitchyardError(
        wrapped.code,
        `${where} did not answer at startup: ${detail} — is it running and reachable? (fix its URL in the profile if not)`,
        { cause: wrapped },
      );
    }
    if (degraded === undefined) throw error;
    degraded(error);
  }
  return driver;
}

function describe(source: ResourceSource, kind: ResourceKind, name: string): string {
  try {
    const url = source.describe?.(kind, name);
    return url === undefined ? "" : ` (${url})`;
  } catch {
    return "";
  }
}
