/**
 * Switchyard as a user gets it: every package is built and published once to a
 * throwaway registry on loopback, then apps outside the repository install from
 * it, their .npmrc naming the registry for the @switchyard scope and nothing
 * else: a hand-written app (hand-written.ts) and the app `npx @switchyard/cli
 * init` writes (scaffold.ts). Each compiles with library checks on and runs
 * with `npx switchyard run` on `local` and on Kafka. An app with every package
 * installed at once shows the engine range holds (engines.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeService } from "../harness/suite.js";
import { describeEngines } from "./engines.js";
import { describeHandWrittenApp } from "./hand-written.js";
import { publishForSuite } from "./published.js";
import { describeScaffoldedApp } from "./scaffold.js";

describeService("verdaccio", "Switchyard installed from an npm registry", (registryEnv) => {
  const published = publishForSuite(registryEnv.SWITCHYARD_VERDACCIO_URL!);

  it("publishes every package with its README and the LICENSE", () => {
    expect([...published.staged.keys()]).toEqual(
      expect.arrayContaining([
        "@switchyard/core",
        "@switchyard/cli",
        "@switchyard/adapter-kafka",
        "@switchyard/model-server",
      ]),
    );
    for (const [name, dir] of published.staged) {
      expect(existsSync(join(dir, "README.md")), `${name} ships a README`).toBe(true);
      expect(readFileSync(join(dir, "LICENSE"), "utf8"), `${name} ships the LICENSE`).toContain(
        "Apache License",
      );
    }
  });

  describeHandWrittenApp(published);
  describeScaffoldedApp(published);
  describeEngines(published);
});
