/**
 * @switchyard/cli — the `switchyard` command line, callable from code as `main`.
 */
export { COMMANDS, main } from "./main.js";
export { UsageError } from "./command.js";
export type { Command, CommandIO } from "./command.js";
