import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../errors.js";
import { httpModels } from "./adapter.js";
import { open } from "./driver-fixture.js";

describe("httpModels adapter", () => {
  it("registers kserve, kserve+grpc and tfserving model schemes with their parameters", () => {
    const adapter = httpModels();
    expect(adapter.schemes.map((s) => [s.kind, s.scheme])).toEqual([
      ["model", "kserve"],
      ["model", "kserve+grpc"],
      ["model", "tfserving"],
      ["model", "mlflow"],
    ]);
    const common = ["host", "https", "maxBatch", "output", "timeoutMs", "token", "version"];
    const params = Object.fromEntries(adapter.schemes.map((s) => [s.scheme, [...s.params].sort()]));
    expect(params).toEqual({
      kserve: [...common, "binary", "datatype", "input"].sort(),
      "kserve+grpc": [...common, "datatype", "input"].sort(),
      tfserving: common,
      mlflow: common.filter((p) => p !== "version"),
    });
  });

  it("takes maxBatch from the URL, 64 by default", async () => {
    expect((await open("kserve://127.0.0.1:1/fraud")).capabilities.maxBatch).toBe(64);
    expect((await open("tfserving://127.0.0.1:1/fraud?maxBatch=8")).capabilities.maxBatch).toBe(8);
  });

  it.each([
    ["kserve://127.0.0.1:8080/", "model name"],
    ["kserve://127.0.0.1:8080/a/b", "model name"],
    ["kserve://user:secret@127.0.0.1:8080/fraud", "credentials"],
    ["kserve://127.0.0.1:8080/fraud?https=yes", "https"],
    ["kserve://127.0.0.1:8080/fraud?binary=1", "binary must be true or false"],
    ["kserve+grpc://127.0.0.1:8081/", "model name"],
    ["mlflow://127.0.0.1:5000/fraud", "the URL has no path"],
    ["tfserving://127.0.0.1:8501/fraud?timeoutMs=0", "timeoutMs"],
    ["tfserving://127.0.0.1:8501/fraud?maxBatch=x", "maxBatch"],
  ])("refuses %s naming the problem", async (url, problem) => {
    const error = await open(url).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: "InvalidArgument", message: expect.stringContaining(problem) });
    expect((error as Error).message).not.toContain("secret");
  });
});
