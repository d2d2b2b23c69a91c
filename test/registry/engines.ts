/**
 * The registry suite's engine check: an app that installs every published
 * package at once, on the Node version the suite runs on, as a user who picks
 * every adapter would. Each package declares the same engine range as the
 * repository, and npm warns of no dependency whose declared engines exclude
 * this Node, except the two helper packages of the Kafka client named in
 * decision 2102 (they declare Node 22.19 and run on Node 20, as the Kafka
 * suites show).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../harness/paths.js";
import type { Published } from "./published.js";
import { npmInstall, scopeLine } from "./published.js";

/** Dependencies known to declare a newer Node than they need (decision 2102). */
const DECLARED_NEWER = new Set(["@platformatic/dynamic-buffer", "@platformatic/wasm-utils"]);

/** The packages npm's EBADENGINE warnings name, without their versions. */
export function engineWarnings(npmOutput: string): string[] {
  const names = [...npmOutput.matchAll(/EBADENGINE\s+package: '(@?[^@']+)@[^']*'/g)].map((m) => m[1]!);
  return [...new Set(names)].sort();
}

/** Declares the engine check, installing from `published`. */
export function describeEngines(published: Published): void {
  describe("every package installed at once on this Node", () => {
    let output = "";

    beforeAll(async () => {
      const app = join(published.work(), "every-package");
      mkdirSync(app, { recursive: true });
      const dependencies = Object.fromEntries(
        [...published.staged.keys()].map((n) => [n, published.version]),
      );
      const manifest = { name: "every-package", version: "1.0.0", private: true, dependencies };
      writeFileSync(join(app, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
      writeFileSync(join(app, ".npmrc"), scopeLine(published.registry));
      // The model server brings the ONNX runtime, whose install script fetches GPU parts from
      // nuget.org unless told not to, as the model server's README says; this machine reaches no such host.
      const install = await npmInstall(app, { npm_config_onnxruntime_node_install: "skip" });
      output = `${install.stdout}\n${install.stderr}`;
    }, 900_000);

    it("declares the repository's engine range in every package", () => {
      const root = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
        engines: { node: string };
      };
      for (const [name, dir] of published.staged) {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
          engines?: { node?: string };
        };
        expect(manifest.engines?.node, name).toBe(root.engines.node);
      }
    });

    it(`gets no engine warning on Node ${process.versions.node} but from the Kafka client's helpers`, () => {
      const unexpected = engineWarnings(output).filter((name) => !DECLARED_NEWER.has(name));
      expect(unexpected, `npm's engine warnings:\n${output}`).toEqual([]);
    });
  });
}
