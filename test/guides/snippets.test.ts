import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runNode } from "./run-snippet.js";

const GUIDES = fileURLToPath(new URL("../../docs/guides/", import.meta.url));

/**
 * Each guide's snippets: the file, the guide that shows it, and what running it
 * must print. `npm run typecheck` compiles the snippets (tsconfig.json includes
 * docs/guides/snippets); this runs them and checks the guides show them verbatim.
 */
const SNIPPETS: { file: string; guide: string; prints: string[] }[] = [
  { file: "publish-and-read.ts", guide: "streams.md", prints: ["published 2 records", "o-1 12.5", "o-2 99"] },
  { file: "run-from-code.ts", guide: "run-from-code.md", prints: ["processed 2, dead letters 0"] },
  {
    file: "retries.ts",
    guide: "retries.md",
    prints: [
      'default policy: {"maxAttempts":5,"initialDelayMs":50,"maxDelayMs":5000,"multiplier":2}',
      "retried: ResourceExhausted, Unavailable, DeadlineExceeded, Internal, Unknown",
      "processed 2, dead letters 1",
    ],
  },
  {
    file: "lag-and-ids.ts",
    guide: "lag-and-ids.md",
    prints: [
      "ids at send: 0:0 0:1 0:2",
      "ids received: 0:0",
      'lag before commit: {"0":3}',
      'lag after commit: {"0":2}',
    ],
  },
];

describe("the guides' snippets", () => {
  for (const { file, guide, prints } of SNIPPETS) {
    it(`${file} runs and prints what ${guide} says`, async () => {
      const result = await runNode(`${GUIDES}snippets/${file}`);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim().split("\n")).toEqual(prints);
    }, 60_000);

    it(`${guide} shows ${file} as it is`, async () => {
      const [code, text] = await Promise.all([
        readFile(`${GUIDES}snippets/${file}`, "utf8"),
        readFile(`${GUIDES}${guide}`, "utf8"),
      ]);
      expect(text).toContain(`<!-- snippet: snippets/${file} -->\n\n\`\`\`ts\n${code}\`\`\``);
    });
  }
});
