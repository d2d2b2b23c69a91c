import { afterEach, describe, expect, it, vi } from "vitest";
import { SAME_SIGNAL_WINDOW_MS, stopOnSignals } from "./stop-signals.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("stopOnSignals", () => {
  it("takes a signal that arrives twice within the window (group and wrapper) as one stop", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
    const lines: string[] = [];
    const stop = stopOnSignals((line) => lines.push(line));
    try {
      process.kill(process.pid, "SIGTERM");
      // A relayed copy comes a little later (sent at once, the two would merge into one delivery).
      await new Promise((resolve) => setTimeout(resolve, 100));
      process.kill(process.pid, "SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stop.signal.aborted).toBe(true);
      expect(lines).toHaveLength(1);
      expect(exit).not.toHaveBeenCalled();

      // Sent again after the window, it is the user's "abandon in-flight work".
      await new Promise((resolve) => setTimeout(resolve, SAME_SIGNAL_WINDOW_MS));
      process.kill(process.pid, "SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lines[1]).toContain("SIGTERM again — abandoning in-flight work");
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      stop.detach();
    }
  });
});
