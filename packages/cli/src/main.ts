#!/usr/bin/env node
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SwitchyardError, didYouMean } from "@switchyard/core";
import type { Command, CommandIO } from "./command.js";
import { UsageError } from "./command.js";
import { dlqCommand } from "./dlq.js";
import { doctorCommand } from "./doctor.js";
import { emulatorsCommand } from "./emulators.js";
import { initCommand } from "./init.js";
import { produceCommand } from "./produce.js";
import { runCommand } from "./run.js";
import { serveModelCommand } from "./serve-model.js";
import { tailCommand } from "./tail.js";

/** The `switchyard` commands; adding a command is one line here. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  doctorCommand,
  serveModelCommand,
  dlqCommand,
  produceCommand,
  tailCommand,
  emulatorsCommand,
  initCommand,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `switchyard — real-time AI pipelines that run unchanged on any cloud

Usage: switchyard <command> [options]

Commands:
${list}

Resources come from switchyard.config.{ts,mts,js,mjs,json,yaml,yml} in the current
directory: named profiles of stream, state, model and time-series URLs.
--profile (or SWITCHYARD_PROFILE) picks one; the default is "local".

  // switchyard.config.ts
  import { defineConfig } from "@switchyard/core";
  import { kafka } from "@switchyard/adapter-kafka";
  export default defineConfig({
    adapters: [kafka()],
    profiles: {
      local: { streams: { transactions: "memory://tx?partitions=4", "dead-letters": "memory://dlq" } },
      kafka: { streams: { transactions: "kafka://\${KAFKA_BROKER:-127.0.0.1:9092}/tx", "dead-letters": "kafka://\${KAFKA_BROKER:-127.0.0.1:9092}/dlq" } },
    },
  });

Exit codes:
  0    done (a run: stopped on SIGINT/SIGTERM after draining)
  1    failed: a mistake in the config or pipeline, an error waiting cannot fix, a model
       file that cannot be served, too many dead letters (run --max-dead-letter-ratio)
  2    bad usage: an unknown command or option, a missing argument
  3    a resource of the profile did not open or answer at startup (run)
  130  a second SIGINT/SIGTERM abandoned in-flight work (run)

SWITCHYARD_DEBUG=1 adds the stack trace to an error.

Run "switchyard <command> --help" for a command's options.`;
}

/**
 * Runs the `switchyard` command line (`argv` without node and script) and
 * resolves with the exit code: 0 success, 1 failure, 2 bad usage.
 */
export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? COMMANDS.find((c) => c.name === args[0]) : undefined;
    const text = topic?.usage ?? help();
    if (name === undefined) io.stderr(`${text}\n`);
    else io.stdout(`${text}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const names = COMMANDS.map((c) => c.name);
    io.stderr(
      `switchyard: unknown command "${name}" — ${didYouMean(name, names)}commands: ${names.join(", ")}\n`,
    );
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`switchyard ${name}: ${err.message}\nRun "switchyard ${name} --help" for usage.\n`);
      return 2;
    }
    const message = err instanceof SwitchyardError ? `${err.code}: ${err.message}` : String(err);
    io.stderr(`switchyard ${name}: ${message}\n`);
    if (io.env.SWITCHYARD_DEBUG !== undefined && err instanceof Error) io.stderr(`${err.stack ?? ""}\n`);
    return 1;
  }
}

/** Whether this file is the process's entry point (also through npm's bin symlink). */
function isEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs `switchyard` with this process's arguments, streams and environment, then exits with its code. */
export async function runCommandLine(): Promise<void> {
  const code = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY,
  });
  // Exit explicitly: an adapter's idle socket must not keep a finished command alive.
  process.stdout.write("", () => process.exit(code));
}

if (isEntry()) await runCommandLine();
