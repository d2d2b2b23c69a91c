import { parseArgs } from "node:util";
import { UsageError } from "./command.js";

/** The options a command accepts, in `util.parseArgs` form. */
export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Parsed arguments: positionals and option values by name. */
export interface ParsedArgs {
  /** Arguments that are not options, in order. */
  positionals: string[];
  /** Option values; absent options are missing. */
  values: Record<string, string | boolean | undefined>;
}

/** Parses a command's arguments strictly: unknown options are a UsageError naming them. */
export function parseCommandArgs(args: string[], options: OptionSpec): ParsedArgs {
  try {
    const { positionals, values } = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** A string option's value, if given. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A positive integer option (e.g. a timeout in ms), or `fallback` when absent. */
export function intOption(parsed: ParsedArgs, name: string, fallback: number): number {
  const text = stringOption(parsed, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  return value;
}
