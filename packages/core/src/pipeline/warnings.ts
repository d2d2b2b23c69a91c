/**
 * Rate limit for repeated warnings: at most one line per subject every
 * `intervalMs`; the next line says how many were left out meanwhile.
 */
export class WarningLimiter {
  private readonly last = new Map<string, { at: number; skipped: number }>();

  constructor(private readonly intervalMs: number) {}

  /** Calls `print` unless `subject` was reported less than `intervalMs` ago; `more` is the suffix counting the lines left out. */
  report(subject: string, print: (more: string) => void, now = Date.now()): void {
    const seen = this.last.get(subject);
    if (seen !== undefined && now - seen.at < this.intervalMs) {
      seen.skipped++;
      return;
    }
    const more =
      seen === undefined || seen.skipped === 0 ? "" : ` (${seen.skipped} more since the last report)`;
    this.last.set(subject, { at: now, skipped: 0 });
    print(more);
  }
}
