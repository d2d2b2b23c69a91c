import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";
import { rejection } from "./rejection.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "switchyard-config-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => writeFile(join(dir, name), text);

const YAML = `
profiles:
  local:
    streams:
      transactions: memory://tx?partitions=4
    models:
      fraud: onnx:./model/fraud.onnx
  kafka:
    streams:
      transactions: kafka://\${KAFKA_HOST:-127.0.0.1}:9092/tx
`;

describe("loadConfig", () => {
  it("finds a YAML file in cwd and selects local by default", async () => {
    await write("switchyard.config.yaml", YAML);
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.profile).toBe("local");
    expect(loaded.file).toBe(join(dir, "switchyard.config.yaml"));
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.config.profiles.kafka?.streams?.transactions).toBe(
      "kafka://${KAFKA_HOST:-127.0.0.1}:9092/tx",
    );
  });

  it("loads JSON and picks the profile from the option, then SWITCHYARD_PROFILE", async () => {
    await write("switchyard.config.json", JSON.stringify({ profiles: { local: {}, kafka: {} } }));
    expect((await loadConfig({ cwd: dir, env: { SWITCHYARD_PROFILE: "kafka" } })).profile).toBe("kafka");
    expect(
      (await loadConfig({ cwd: dir, profile: "local", env: { SWITCHYARD_PROFILE: "kafka" } })).profile,
    ).toBe("local");
  });

  it("prefers .js over .yaml and loads a module's default export", async () => {
    await write("switchyard.config.yaml", YAML);
    await write(
      "switchyard.config.mjs",
      "export default { profiles: { local: { streams: { a: 'memory://a' } } } };",
    );
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.file.endsWith(".mjs")).toBe(true);
    expect(loaded.config.profiles.local?.streams).toEqual({ a: "memory://a" });
  });

  it("loads an explicit file through the given importer", async () => {
    await mkdir(join(dir, "conf"));
    await writeFile(join(dir, "conf", "prod.yml"), YAML);
    const loaded = await loadConfig({ cwd: dir, file: "conf/prod.yml", profile: "kafka", env: {} });
    expect(loaded.baseDir).toBe(join(dir, "conf"));

    await write("custom.ts", "");
    const imported: string[] = [];
    const fromModule = await loadConfig({
      cwd: dir,
      file: "custom.ts",
      env: {},
      importModule: async (file) => {
        imported.push(file);
        return { default: { profiles: { local: {} } } };
      },
    });
    expect(imported).toEqual([join(dir, "custom.ts")]);
    expect(fromModule.config.profiles).toEqual({ local: {} });
  });

  it("lists the profiles when the chosen one does not exist", async () => {
    await write("switchyard.config.yaml", YAML);
    await expect(loadConfig({ cwd: dir, profile: "aws", env: {} })).rejects.toThrow(
      'profile "aws" (from the profile option) is not in switchyard.config.yaml — profiles: local, kafka',
    );
  });

  it("says where a profile name came from and which profile was meant", async () => {
    await write("switchyard.config.yaml", YAML);
    await expect(loadConfig({ cwd: dir, env: { SWITCHYARD_PROFILE: "kafak" } })).rejects.toThrow(
      'profile "kafak" (from SWITCHYARD_PROFILE) is not in switchyard.config.yaml — did you mean "kafka"? profiles: local, kafka',
    );
    await expect(
      loadConfig({ cwd: dir, env: {}, profile: "prod", profileOption: "--profile" }),
    ).rejects.toThrow('profile "prod" (from --profile) is not in');
  });

  it("says how to create a config when there is none", async () => {
    const error = await rejection(loadConfig({ cwd: dir, env: {} }));
    expect(error.code).toBe("NotFound");
    expect(error.message).toContain(`no switchyard.config.{ts,mts,js,mjs,json,yaml,yml} in ${dir}`);
    expect(error.message).toContain("--config <file>");
    await expect(loadConfig({ cwd: dir, file: "missing.yaml" })).rejects.toThrow(/does not exist/);
  });

  it("refuses unknown keys instead of ignoring them", async () => {
    await write("switchyard.config.json", JSON.stringify({ profile: { local: {} } }));
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(
      'switchyard.config.json has an unknown key "profile" — expected adapters, profiles',
    );
  });

  it("keeps a secret on a broken line out of the parse error", async () => {
    await write("switchyard.config.yaml", "profiles:\n  local: {streams: {a: redis://:Hunter2Secret@h}\n");
    const error = await rejection(loadConfig({ cwd: dir, env: {} }));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toMatch(/^switchyard.config.yaml cannot be parsed/);
    expect(error.message).not.toContain("Hunter2Secret");
  });

  it("says which default export is missing", async () => {
    await write("switchyard.config.mjs", "export const config = {};");
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(
      /has no default export — write export default/,
    );
  });
});
