import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { servicesFromList, servicesNamedIn } from "./selection.js";

const known = ["redis", "kafka", "pubsub"];
const dir = mkdtempSync(join(tmpdir(), "harness-selection-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("which services a run needs", () => {
  it("takes an explicit list, all, or none", () => {
    expect(servicesFromList(undefined, known)).toBeUndefined();
    expect(servicesFromList(" ", known)).toBeUndefined();
    expect(servicesFromList("kafka, redis", known)).toEqual(["kafka", "redis"]);
    expect(servicesFromList("all", known)).toEqual(known);
    expect(servicesFromList("none", known)).toEqual([]);
    expect(() => servicesFromList("redis,mongo", known)).toThrow(
      /unknown services mongo; known: redis, kafka/,
    );
  });

  it("finds services named by the test files and the files they import", () => {
    const helper = file("support.ts", 'export const url = process.env.SWITCHYARD_PUBSUB_HOST ?? "";\n');
    const direct = file("a.test.ts", 'describeService("redis", "store", (env) => {});\n');
    const viaImport = file("b.test.ts", 'import { url } from "./support.js";\n');
    const unrelated = file("c.test.ts", 'it("adds", () => expect(1 + 1).toBe(2));\n');
    const several = file("d.test.ts", 'describeServices(["kafka", "pubsub"], "fault", (services) => {});\n');
    expect(servicesNamedIn([direct], known)).toEqual(["redis"]);
    expect(servicesNamedIn([viaImport, unrelated], known)).toEqual(["pubsub"]);
    expect(servicesNamedIn([unrelated], known)).toEqual([]);
    expect(servicesNamedIn([several], known)).toEqual(["kafka", "pubsub"]);
    expect(helper).toContain("support.ts");
  });
});
