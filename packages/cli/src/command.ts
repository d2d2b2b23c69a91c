/** Where a command reads its environment and writes its output; the bin passes the process's own. */
export interface CommandIO {
  /** Writes to standard output (the text carries its own newlines). */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** The working directory: where config files are found and relative paths start. */
  cwd: string;
  /** Environment variables (profile selection, `${ENV}` interpolation). */
  env: Record<string, string | undefined>;
  /** Stops long-running commands when aborted. */
  signal?: AbortSignal;
  /** Whether stdout is a terminal. */
  isTTY?: boolean;
  /** Standard input, for commands that read it (`produce -`). Default: the process's own. */
  stdin?: NodeJS.ReadableStream;
}

/** One `switchyard <name>` command. */
export interface Command {
  /** The word after `switchyard`. */
  name: string;
  /** One line for the command list in `switchyard --help`. */
  summary: string;
  /** The full text of `switchyard <name> --help`. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves with the exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** Bad command-line input: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
