import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));

/** What a finished snippet printed and returned. */
export interface SnippetResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file as a user would with `npx tsx`, `@switchyard/*` resolving to the sources. */
export function runNode(file: string): Promise<SnippetResult> {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, file], {
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
