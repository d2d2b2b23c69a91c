import { describe, expect, it } from "vitest";
import { parseDemoOptions } from "./demo-options.js";

describe("parseDemoOptions", () => {
  it("defaults to a paced local run that ends by itself", () => {
    expect(parseDemoOptions([], {})).toEqual({
      profile: "local",
      events: 300_000,
      seed: 3,
      rate: 10_000,
      json: false,
    });
  });

  it("takes the profile from SWITCHYARD_PROFILE unless --profile names one", () => {
    expect(parseDemoOptions([], { SWITCHYARD_PROFILE: "kafka" }).profile).toBe("kafka");
    expect(parseDemoOptions(["--profile", "redis"], { SWITCHYARD_PROFILE: "kafka" }).profile).toBe("redis");
  });

  it("reads numbers with digit separators and the --json switch", () => {
    const options = parseDemoOptions(["--events", "20_000", "--seed", "9", "--rate", "0", "--json"], {});
    expect(options).toMatchObject({ events: 20_000, seed: 9, rate: 0, json: true });
  });

  it("refuses what it does not understand, with the usage", () => {
    expect(() => parseDemoOptions(["--events", "lots"], {})).toThrow(
      /--events takes a whole number.*\n.*usage/s,
    );
    expect(() => parseDemoOptions(["--events", "0"], {})).toThrow(/--events/);
    expect(() => parseDemoOptions(["--speed", "3"], {})).toThrow(/usage/);
  });
});
