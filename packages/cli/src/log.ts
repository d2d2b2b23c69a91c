import { UsageError } from "./command.js";

/** Log levels, most severe first; a logger prints its level and the ones above it. */
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How log lines are written: `text` for people, `json` (one object a line) for log collectors. */
export type LogFormat = "text" | "json";

/** Where `switchyard run` writes what happens: progress, warnings, errors, figures. */
export interface Logger {
  /** Whether lines are JSON objects. */
  readonly format: LogFormat;
  /** Writes `message` at `level` with optional fields (JSON only; text shows the message). */
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** Reads `--log-level` and `--log-format`, naming the accepted values when one is wrong. */
export function logOptions(
  level: string | undefined,
  format: string | undefined,
): { level: LogLevel; format: LogFormat } {
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
  if (format !== undefined && format !== "text" && format !== "json")
    throw new UsageError(`--log-format must be text or json, got "${format}"`);
  return { level: (level ?? "info") as LogLevel, format: format ?? "text" };
}

/**
 * A logger writing through `write` (the command's stderr). Text lines are the
 * message as is (it carries its own newline conventions); JSON lines carry
 * `time`, `level`, `msg` and the fields.
 */
export function createLogger(level: LogLevel, format: LogFormat, write: (text: string) => void): Logger {
  const limit = LOG_LEVELS.indexOf(level);
  return {
    format,
    log(at, message, fields) {
      if (LOG_LEVELS.indexOf(at) > limit) return;
      if (format === "text") {
        write(message.endsWith("\n") ? message : `${message}\n`);
        return;
      }
      const msg = message.trim();
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields })}\n`);
    },
  };
}
