import { describe, expect, it } from "vitest";
import { countOf, runNameRegExp } from "./engine.js";

describe("runNameRegExp", () => {
  it("matches names of runs the pattern covers, and nothing across a separator", () => {
    const topic = runNameRegExp("fraud-demo-*.transactions");
    expect(topic.test("fraud-demo-m3k2-ab12.transactions")).toBe(true);
    expect(topic.test("fraud.transactions")).toBe(false);
    expect(topic.test("fraud-demo-a.transactions-copy")).toBe(false);

    const state = runNameRegExp("fraud-demo-*:", true);
    expect(state.test("fraud-demo-x:p:42")).toBe(true);
    // A stream key of the same run is not under the state prefix.
    expect(state.test("fraud-demo-x.transactions:0")).toBe(false);
    expect(state.test("fraud:p:42")).toBe(false);
  });

  it("narrows to the runs of one label", () => {
    const mine = runNameRegExp("fraud-demo-e2e-1a2b-*.alerts");
    expect(mine.test("fraud-demo-e2e-1a2b-2000-1.alerts")).toBe(true);
    expect(mine.test("fraud-demo-e2e-9f9f-2000-1.alerts")).toBe(false);
  });
});

describe("countOf", () => {
  it("says one thing in the singular", () => {
    expect(countOf(1, "record")).toBe("1 record");
    expect(countOf(4000, "record")).toBe("4,000 records");
  });
});
