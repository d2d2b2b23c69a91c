import { parseArgs } from "node:util";
import { didYouMean } from "@switchyard/core";
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
  const accepted: OptionSpec = { ...options, help: { type: "boolean", short: "h" } };
  try {
    const { positionals, values } = parseArgs({
      args,
      options: accepted,
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values };
  } catch (err) {
    throw new UsageError(argsMessage(err, accepted));
  }
}

/** Node's parseArgs error, said in the CLI's words: the option, what was meant and what is accepted. */
function argsMessage(err: unknown, accepted: OptionSpec): string {
  const text = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const option = /'(-[^']*)'/.exec(text)?.[1] ?? "";
  const names = Object.keys(accepted).map((name) => `--${name}`);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const typo = option.startsWith("--") ? didYouMean(option.split("=")[0] ?? option, names) : "";
    return `unknown option "${option}" — ${typo}options: ${names.join(", ")}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = /--([\w-]+)/.exec(text)?.[1];
    const spec = name === undefined ? undefined : accepted[name];
    if (spec?.type === "string") return `--${name} needs a value, e.g. --${name} <value>`;
    if (spec?.type === "boolean") return `--${name} takes no value`;
  }
  return text;
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
