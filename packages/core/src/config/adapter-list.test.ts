import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";
import { ResourceResolver } from "./resolver.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-adapters-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Installs a real package into the project's node_modules. Importing it counts
 * itself in a global of the test's own (or throws, for `broken`), so a test
 * sees exactly when core imports it.
 */
async function installAdapter(name: string, schemes: string[] | undefined, body: string): Promise<void> {
  const pkg = join(dir, "node_modules", ...name.split("/"));
  await mkdir(pkg, { recursive: true });
  const manifest = {
    name,
    type: "module",
    exports: { ".": { import: "./index.js" } },
    ...(schemes === undefined ? {} : { switchyard: { schemes } }),
  };
  await writeFile(join(pkg, "package.json"), JSON.stringify(manifest));
  await writeFile(join(pkg, "index.js"), body);
}

const countingAdapter = (name: string, scheme: string) => `
globalThis.adapterImports ??= {};
globalThis.adapterImports[${JSON.stringify(name)}] = (globalThis.adapterImports[${JSON.stringify(name)}] ?? 0) + 1;
export default function adapter() {
  return {
    name: ${JSON.stringify(name)},
    schemes: [{ kind: "stream", scheme: ${JSON.stringify(scheme)}, params: [], create: (url) => ({ from: ${JSON.stringify(name)}, href: url.href, close: async () => {} }) }],
  };
}
`;

const imports = () => (globalThis as { adapterImports?: Record<string, number> }).adapterImports ?? {};

const CONFIG = `
adapters: ["@acme/adapter-tick", "@acme/adapter-broken"]
profiles:
  local:
    streams:
      transactions: memory://lazy-tx
  tick:
    streams:
      transactions: tick://a
      alerts: tick://b
  broken:
    streams:
      transactions: broken://a
`;

describe("adapters listed by package name", () => {
  beforeEach(async () => {
    delete (globalThis as { adapterImports?: unknown }).adapterImports;
    await installAdapter("@acme/adapter-tick", ["tick"], countingAdapter("@acme/adapter-tick", "tick"));
    await installAdapter("@acme/adapter-broken", ["broken"], 'throw new Error("the SDK is not installed");');
    await writeFile(join(dir, "switchyard.config.yaml"), CONFIG);
  });

  async function resolverFor(profile: string): Promise<ResourceResolver> {
    const loaded = await loadConfig({ cwd: dir, env: {}, profile });
    return new ResourceResolver(loaded.config, loaded.profile, { baseDir: loaded.baseDir, env: {} });
  }

  it("imports none of them when the profile uses only built-in schemes", async () => {
    const resolver = await resolverFor("local");
    await resolver.open("stream", "transactions");
    await resolver.close();
    expect(imports()).toEqual({});
  });

  it("imports a package once, when a resource uses a scheme its package.json declares", async () => {
    const resolver = await resolverFor("tick");
    const [a, b] = await Promise.all([
      resolver.open("stream", "transactions"),
      resolver.open("stream", "alerts"),
    ]);
    expect([a, b]).toMatchObject([{ href: "tick://a" }, { href: "tick://b" }]);
    expect(imports()).toEqual({ "@acme/adapter-tick": 1 });
    await resolver.close();
  });

  it("names the install command when the package serving a scheme cannot be loaded", async () => {
    const resolver = await resolverFor("broken");
    await expect(resolver.open("stream", "transactions")).rejects.toThrow(
      'lists adapter "@acme/adapter-broken", which cannot be loaded — npm install @acme/adapter-broken',
    );
    expect(imports()).toEqual({});
  });

  it("names the install command for a listed package that is not installed", async () => {
    await writeFile(
      join(dir, "switchyard.config.yaml"),
      'adapters: ["@acme/adapter-absent"]\nprofiles:\n  local:\n    streams:\n      tx: absent://a\n',
    );
    const resolver = await resolverFor("local");
    await expect(resolver.open("stream", "tx")).rejects.toThrow("npm install @acme/adapter-absent");
  });

  it("imports a package that declares no schemes when a scheme nothing else serves is used", async () => {
    await installAdapter("@acme/adapter-plain", undefined, countingAdapter("@acme/adapter-plain", "plain"));
    await writeFile(
      join(dir, "switchyard.config.yaml"),
      'adapters: ["@acme/adapter-plain"]\nprofiles:\n  local:\n    streams:\n      tx: memory://lazy-plain\n      other: plain://x\n',
    );
    const resolver = await resolverFor("local");
    await resolver.open("stream", "tx");
    expect(imports()).toEqual({});
    expect(await resolver.open("stream", "other")).toMatchObject({ from: "@acme/adapter-plain" });
    await resolver.close();
  });
});
