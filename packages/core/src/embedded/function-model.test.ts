import { describe, expect, it } from "vitest";
import { functionModel } from "./function-model.js";

const signal = new AbortController().signal;

describe("functionModel", () => {
  it("scores a batch with the function, sync or async", async () => {
    const double = functionModel((xs: number[]) => xs.map((x) => x * 2));
    expect(await double.predict([1, 2, 3], signal)).toEqual([2, 4, 6]);
    const later = functionModel(async (xs: string[]) => xs.map((x) => x.length), { maxBatch: 2 });
    expect(later.capabilities.maxBatch).toBe(2);
    expect(await later.predict(["ab", "c"], signal)).toEqual([2, 1]);
  });

  it("refuses a function that does not return one output per input", async () => {
    const model = functionModel((xs: number[]) => xs.slice(1));
    await expect(model.predict([1, 2], signal)).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("refuses batches over maxBatch, and classifies what the function throws", async () => {
    const model = functionModel(
      (): number[] => {
        throw new Error("boom");
      },
      { maxBatch: 1 },
    );
    await expect(model.predict([1, 2], signal)).rejects.toMatchObject({ code: "InvalidArgument" });
    const err = await model.predict([1], signal).catch((e: unknown) => e);
    expect(model.errorCode(err)).toBe("Unknown");
  });
});
