import { describe, expect, it } from "vitest";
import type { CommandIO } from "./command.js";
import { COMMANDS, main } from "./main.js";

function io(): CommandIO & { out: string; err: string } {
  const captured = {
    out: "",
    err: "",
    stdout: (text: string) => (captured.out += text),
    stderr: (text: string) => (captured.err += text),
    cwd: process.cwd(),
    env: {},
  };
  return captured;
}

describe("switchyard main", () => {
  it("lists every command in --help", async () => {
    const out = io();
    expect(await main(["--help"], out)).toBe(0);
    for (const command of COMMANDS) expect(out.out).toContain(`  ${command.name}`);
    expect(out.out).toContain("switchyard.config.ts");
  });

  it("prints a command's own help", async () => {
    const out = io();
    expect(await main(["doctor", "--help"], out)).toBe(0);
    expect(out.out).toMatch(/^Usage: switchyard doctor/);
    const viaHelp = io();
    expect(await main(["help", "run"], viaHelp)).toBe(0);
    expect(viaHelp.out).toMatch(/^Usage: switchyard run <pipeline module>/);
  });

  it("exits 2 for an unknown command or option, naming what is accepted", async () => {
    const unknown = io();
    expect(await main(["deploy"], unknown)).toBe(2);
    expect(unknown.err).toContain('unknown command "deploy" — commands: run, doctor');
    const badOption = io();
    expect(await main(["doctor", "--profil", "aws"], badOption)).toBe(2);
    expect(badOption.err).toContain("--profil");
    expect(badOption.err).toContain('Run "switchyard doctor --help"');
    const missing = io();
    expect(await main(["run"], missing)).toBe(2);
    expect(missing.err).toContain("missing the pipeline module");
  });

  it("prints the package version", async () => {
    const out = io();
    expect(await main(["--version"], out)).toBe(0);
    expect(out.out).toMatch(/^\d+\.\d+\.\d+/);
  });
});
