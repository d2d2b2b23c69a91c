import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { describeService } from "../../../test/harness/suite.js";
import { runCli } from "./spawn-cli.js";

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The packages a generated app installs, packed as npm would publish them. */
const PACKED = ["core", "model-server", "cli", "adapter-kafka"];

// Building, packing and installing from the registry take minutes on a loaded machine.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 900_000 });

describe("switchyard init", () => {
  it("writes the app's files and refuses to overwrite them without --force", async () => {
    const dir = await mkdtemp(join(tmpdir(), "switchyard-init-"));
    try {
      const first = await runCli(["init", "my-app"], dir);
      expect(first.code, first.stderr).toBe(0);
      const app = join(dir, "my-app");
      expect((await readdir(app)).sort()).toEqual(
        [
          ".gitignore",
          "README.md",
          "data",
          "package.json",
          "src",
          "switchyard.config.ts",
          "tsconfig.json",
        ].sort(),
      );
      const pkg = JSON.parse(await readFile(join(app, "package.json"), "utf8")) as { name: string };
      expect(pkg.name).toBe("my-app");
      const again = await runCli(["init", "my-app"], dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("pass --force to overwrite");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

let app: string;
let packs: string;
const npm = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  exec("npm", args, { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });

/**
 * Starts `npx switchyard …` in the app in its own process group, so that
 * `interrupt` reaches npx and the command it runs, as Ctrl-C in a terminal
 * does; `output` resolves with what it printed once it is gone.
 */
function startNpx(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: Promise<string> } {
  const child = spawn("npx", args, {
    cwd: app,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const output = new Promise<string>((resolve) => child.on("close", () => resolve(stdout)));
  return { child, output };
}

/** The summary `switchyard run --json` prints as its last line when it stopped after draining. */
function summaryOf(stdout: string): { processed: number; deadLetters: number } {
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { processed: number; deadLetters: number };
}

/** Ctrl-C for a process group started by {@link startNpx}. */
function interrupt(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGINT");
  } catch {
    // Already gone.
  }
}

beforeAll(async () => {
  packs = await mkdtemp(join(tmpdir(), "switchyard-packs-"));
  await exec(
    "npx",
    [
      "turbo",
      "run",
      "build",
      ...PACKED.flatMap((p) => ["--filter", `@switchyard/${p}`]),
      "--output-logs=errors-only",
    ],
    { cwd: ROOT, env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
  );
  const tarballs: string[] = [];
  for (const name of PACKED) {
    const { stdout } = await npm(
      ["pack", "--silent", "--pack-destination", packs],
      join(ROOT, "packages", name),
    );
    tarballs.push(join(packs, stdout.trim().split("\n").at(-1)!));
  }
  const parent = await mkdtemp(join(tmpdir(), "switchyard-app-"));
  app = join(parent, "fresh-app");
  const written = await runCli(["init", "fresh-app"], parent);
  if (written.code !== 0) throw new Error(`switchyard init failed: ${written.stderr}`);
  await npm(["install", "--no-audit", "--no-fund", ...tarballs], app);
});

afterAll(async () => {
  if (app !== undefined) await rm(join(app, ".."), { recursive: true, force: true });
  if (packs !== undefined) await rm(packs, { recursive: true, force: true });
});

describe("an app written by switchyard init, with the packed packages installed", () => {
  it("passes its own test", async () => {
    const { stdout } = await npm(["test"], app);
    expect(stdout).toMatch(/Tests\s+.*1 passed/);
  });

  it("compiles its own files with strict settings", async () => {
    const result = await exec("npx", ["tsc", "--noEmit"], { cwd: app }).then(
      () => "",
      (err: { stdout: string }) => err.stdout,
    );
    // Only the app's own files are judged here; errors inside installed packages are the packages' to fix.
    const own = result.split("\n").filter((line) => /^(src\/|switchyard\.config\.ts)/.test(line));
    expect(own).toEqual([]);
  });

  it("runs with npx switchyard run on local, alerting on the sample data", async () => {
    await rm(join(app, "data", "alerts.ndjson"), { force: true });
    const run = startNpx(["switchyard", "run", "src/pipeline.ts", "--quiet", "--json"]);
    try {
      await expect
        .poll(() => readFile(join(app, "data", "alerts.ndjson"), "utf8").catch(() => ""), {
          timeout: 120_000,
        })
        .toContain('"amount":1899');
    } finally {
      interrupt(run.child);
    }
    // Ctrl-C drains, commits and prints the summary: every sample record was done, none dead-lettered.
    expect(summaryOf(await run.output)).toMatchObject({ processed: 3, deadLetters: 0 });
  });
});

describeService("kafka", "the generated app on its kafka profile", (env) => {
  it("produces the sample data to Kafka, runs on it and tails the alert", async () => {
    const vars = { KAFKA_BROKERS: env.SWITCHYARD_KAFKA_BROKERS! };
    const topicSuffix = Date.now().toString(36);
    const config = join(app, "switchyard.config.ts");
    // Fresh topics per run: the harness's broker may be shared with earlier runs.
    await writeFile(
      config,
      (await readFile(config, "utf8")).replaceAll("?create=true", `-${topicSuffix}?create=true`),
    );
    const produced = await exec(
      "npx",
      [
        "switchyard",
        "produce",
        "transactions",
        "data/transactions.ndjson",
        "--profile",
        "kafka",
        "--key",
        "card",
      ],
      { cwd: app, env: { ...process.env, ...vars } },
    );
    expect(produced.stderr).toContain("produced 3 records");
    const run = startNpx(
      ["switchyard", "run", "src/pipeline.ts", "--profile", "kafka", "--quiet", "--json"],
      vars,
    );
    try {
      await expect
        .poll(
          async () =>
            (
              await exec("npx", ["switchyard", "tail", "alerts", "--profile", "kafka"], {
                cwd: app,
                env: { ...process.env, ...vars },
              })
            ).stdout,
          { timeout: 120_000, interval: 2000 },
        )
        .toContain('"amount":1899');
    } finally {
      interrupt(run.child);
    }
    // Ctrl-C drains, commits and prints the summary: every sample record was done, none dead-lettered.
    expect(summaryOf(await run.output)).toMatchObject({ processed: 3, deadLetters: 0 });
  });
});
