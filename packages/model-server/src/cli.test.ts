import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVE_MODEL_USAGE, main, serveModelCommand } from "./cli.js";
import { resolveOptions } from "./options.js";
import { writeTestModel } from "./test-model.js";

describe("serve-model command", () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchyard-cli-"));
    model = await writeTestModel(join(dir, "churn.onnx"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("serves until stopped, then exits 0", async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let announce!: (url: string) => void;
    const announced = new Promise<string>((resolve) => (announce = resolve));
    const stderr = (text: string) => {
      lines.push(text);
      const url = /on (http:\/\/\S+) /.exec(text)?.[1];
      if (url !== undefined) announce(url);
    };
    const exit = serveModelCommand.run(
      ["serve", model, "--port", "0", "--max-batch", "8", "--name", "churn"],
      {
        stderr,
        signal: stop.signal,
        env: {},
      },
    );
    const url = await announced;
    expect((await fetch(`${url}/v2/models/churn/ready`)).status).toBe(200);
    stop.abort();
    expect(await exit).toBe(0);
    expect(lines.join("")).toContain("shutting down");
  });

  it("prints usage on --help", async () => {
    let out = "";
    expect(await main(["--help"], { stdout: (text) => (out += text), env: {} })).toBe(0);
    expect(out).toContain("--max-delay-ms");
  });

  it("states in --help the defaults serveModel applies", () => {
    const resolved = resolveOptions("model.onnx", { env: {} });
    const stated = (flag: string) =>
      new RegExp(`${flag} <n>\\s+.*\\(default (\\d+)`).exec(SERVE_MODEL_USAGE)?.[1];
    expect(stated("--max-batch")).toBe(String(resolved.maxBatch));
    expect(stated("--max-delay-ms")).toBe(String(resolved.maxDelayMs));
    expect(stated("--max-queue")).toBe(String(resolved.maxQueue));
    expect(stated("--max-body-bytes")).toBe(String(resolved.maxBodyBytes));
  });

  it("exits 2 on bad flags and 1 for a missing model file, naming the problem", async () => {
    const lines: string[] = [];
    const stderr = (text: string) => lines.push(text);
    expect(await main([model, "--max-batch", "many"], { stderr, env: {} })).toBe(2);
    expect(lines.join("")).toContain("--max-batch needs a number");
    expect(await main([], { stderr, env: {} })).toBe(2);
    const missing = join(dir, "missing.onnx");
    expect(await main([missing, "--port", "0"], { stderr, env: {} })).toBe(1);
    expect(lines.join("")).toContain(missing);
  });
});
