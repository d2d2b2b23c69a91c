import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../errors.js";
import { interpolateEnv } from "./interpolate.js";

const env = { HOST: "broker", PORT: "9092", EMPTY: "" };

describe("interpolateEnv", () => {
  it("replaces ${NAME} everywhere in the string", () => {
    expect(interpolateEnv("kafka://${HOST}:${PORT}/tx", env, "stream")).toBe("kafka://broker:9092/tx");
  });

  it("uses the default when the variable is unset or empty", () => {
    expect(interpolateEnv("${NOPE:-localhost}:${EMPTY:-1}", env, "stream")).toBe("localhost:1");
    expect(interpolateEnv("${HOST:-x}", env, "stream")).toBe("broker");
    expect(interpolateEnv("a${NOPE:-}b", env, "stream")).toBe("ab");
  });

  it("keeps an empty but set variable without a default", () => {
    expect(interpolateEnv("[${EMPTY}]", env, "stream")).toBe("[]");
  });

  it("writes $${ as a literal ${", () => {
    expect(interpolateEnv("$${HOST}", env, "stream")).toBe("${HOST}");
  });

  it("names the missing variable and where it is used", () => {
    const call = () => interpolateEnv("kafka://${KAFKA_HOST}/tx", env, 'stream "tx" in profile "kafka"');
    expect(call).toThrow(SwitchyardError);
    expect(call).toThrow(/KAFKA_HOST is not set \(used by stream "tx" in profile "kafka"\)/);
  });

  it("refuses malformed references", () => {
    expect(() => interpolateEnv("${1BAD}", env, "x")).toThrow(/not a variable reference/);
    expect(() => interpolateEnv("${HOST", env, "x")).toThrow(/unterminated/);
  });
});
