/**
 * Running the Python peers' scripts (test/services/python-peers/) with the
 * virtualenv's python and reading what they print as JSON.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { PEER_SCRIPTS, PYTHON_ENV } from "../services/python-peers.js";

/** Runs `script` with `args` under the peers' python and parses its JSON output. */
export function runPeer(env: Record<string, string>, script: string, args: readonly string[]): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(
      env[PYTHON_ENV]!,
      [join(PEER_SCRIPTS, script), ...args],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`${script} ${args.join(" ")} failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}
