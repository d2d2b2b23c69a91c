import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const TSCONFIG = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));

/** util-linux `script` gives the CLI a real terminal; without it this case cannot run. */
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const CONFIG = {
  profiles: { local: { streams: { transactions: "memory://tx", "dead-letters": "memory://dlq" } } },
};
const PIPELINE = `import { pipeline } from "@switchyard/core";
process.stderr.write(\`pid \${process.pid}\\n\`);
export default pipeline("idle").from("transactions").map((x) => x);
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-tty-"));
  await writeFile(join(dir, "switchyard.config.json"), JSON.stringify(CONFIG));
  await writeFile(join(dir, "idle.ts"), PIPELINE);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("switchyard run on a terminal", () => {
  it.skipIf(!hasScript)(
    "starts the SIGINT message on its own line and ends with a line saying the run stopped",
    async () => {
      const command = [process.execPath, "--import", TSX_LOADER, MAIN, "run", "idle.ts"]
        .map((a) => `'${a}'`)
        .join(" ");
      const child = spawn("script", ["-qfec", command, "/dev/null"], {
        cwd: dir,
        env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG, SWITCHYARD_PROFILE: "" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      const deadline = Date.now() + 60_000;
      // Wait for the live stats line to be drawn (rewritten in place: carriage return, erase line).
      while (!out.includes("\r\u001b[2Kidle  0 done") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(Date.now(), "the live stats line was drawn").toBeLessThan(deadline);
      const pid = Number(/pid (\d+)/.exec(out)?.[1]);
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, "SIGINT");
      expect(await exited).toBe(0);
      const lines = out.split(/\r?\n/);
      const sigint = lines.find((line) => line.includes("SIGINT — draining"));
      expect(sigint).toMatch(/^SIGINT — draining/);
      expect(
        lines.some((line) => /^idle: stopped — 0 records done \(0 of them dead-lettered\)/.test(line)),
      ).toBe(true);
    },
    90_000,
  );
});
