import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "./cli.js";
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
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let announce!: (url: string) => void;
    const announced = new Promise<string>((resolve) => (announce = resolve));
    const log = (line: string) => {
      lines.push(line);
      const url = /on (http:\/\/\S+) /.exec(line)?.[1];
      if (url !== undefined) announce(url);
    };
    const exit = main(["serve", model, "--port", "0", "--max-batch", "8", "--name", "churn"], {
      log,
      stop: stopped,
      env: {},
    });
    const url = await announced;
    expect((await fetch(`${url}/v2/models/churn/ready`)).status).toBe(200);
    stop();
    expect(await exit).toBe(0);
    expect(lines.join("\n")).toContain("shutting down");
  });

  it("exits 2 naming the problem on bad flags or a missing model", async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(await main([model, "--max-batch", "many"], { log, env: {} })).toBe(2);
    expect(lines.join("\n")).toContain("--max-batch needs a number");
    expect(await main([], { log, env: {} })).toBe(2);
    const missing = join(dir, "missing.onnx");
    expect(await main([missing, "--port", "0"], { log, env: {} })).toBe(2);
    expect(lines.join("\n")).toContain(missing);
  });
});
