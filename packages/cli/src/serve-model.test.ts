import { SwitchyardError } from "@switchyard/core";
import { describe, expect, it } from "vitest";
import type { CommandIO } from "./command.js";
import { serveModelCommand, serveModelCommandFrom } from "./serve-model.js";

function capture(): { io: CommandIO; out: string[] } {
  const out: string[] = [];
  const write = (text: string) => void out.push(text);
  return { io: { stdout: write, stderr: write, cwd: process.cwd(), env: {} }, out };
}

describe("serve-model", () => {
  it("runs @switchyard/model-server's command, which prints its options on --help", async () => {
    const { io, out } = capture();
    expect(await serveModelCommand.run(["--help"], io)).toBe(0);
    expect(out.join("")).toContain("--max-delay-ms");
  });

  it("names the install command when @switchyard/model-server is not installed", async () => {
    const absent = "@switchyard/model-server-not-installed";
    const command = serveModelCommandFrom(() => import(absent));
    const error = await command.run(["model.onnx"], capture().io).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).message).toContain("npm install @switchyard/model-server");
  });
});
