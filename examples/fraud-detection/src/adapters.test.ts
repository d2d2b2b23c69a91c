import { describe, expect, it } from "vitest";
import { adaptersFor, selectedProfile } from "./adapters.js";

describe("profile adapters", () => {
  it("runs local with core alone", async () => {
    expect(await adaptersFor("local")).toEqual([]);
  });

  it("sees the profile a command runs, from the environment or its --profile argument", () => {
    expect(selectedProfile({ SWITCHYARD_PROFILE: "aws" }, ["node", "demo.ts", "--profile", "gcp"])).toBe(
      "aws",
    );
    expect(selectedProfile({}, ["node", "demo.ts", "--profile", "gcp"])).toBe("gcp");
    expect(selectedProfile({}, ["node", "switchyard", "run", "-p", "kafka"])).toBe("kafka");
    expect(selectedProfile({}, ["node", "demo.ts", "--profile=redis"])).toBe("redis");
    expect(selectedProfile({}, ["node", "demo.ts"])).toBe("local");
  });
});
