/**
 * `switchyard init` from the sources: the files it writes and its refusal to
 * overwrite. That the app it writes installs from a registry, passes its own
 * test and typecheck and runs on local and Kafka is test/registry/scaffold.ts.
 */
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./spawn-cli.js";

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
