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
    for (const code of ["0", "1", "2", "3", "130"])
      expect(out.out).toMatch(new RegExp(`^  ${code} +\\w`, "m"));
    expect(out.out).toContain("SWITCHYARD_DEBUG=1");
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
    const typo = io();
    expect(await main(["rnu", "x.ts"], typo)).toBe(2);
    expect(typo.err).toContain('unknown command "rnu" — did you mean "run"?');
    const noValue = io();
    expect(await main(["run", "x.ts", "--drain-timeout"], noValue)).toBe(2);
    expect(noValue.err).toContain("--drain-timeout needs a value");
    const badOption = io();
    expect(await main(["doctor", "--profil", "aws"], badOption)).toBe(2);
    expect(badOption.err).toContain(
      'unknown option "--profil" — did you mean "--profile"? options: --profile',
    );
    expect(badOption.err).not.toContain("positional argument");
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
