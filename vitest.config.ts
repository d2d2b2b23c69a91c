import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Tests run against `src` through aliases, so no build is needed. */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@switchyard\/core\/driver$/, replacement: src("./packages/core/src/driver/index.ts") },
      { find: /^@switchyard\/core$/, replacement: src("./packages/core/src/index.ts") },
      { find: /^@switchyard\/conformance$/, replacement: src("./packages/conformance/src/index.ts") },
      { find: /^@switchyard\/adapter-kafka$/, replacement: src("./packages/adapter-kafka/src/index.ts") },
      { find: /^@switchyard\/adapter-azure$/, replacement: src("./packages/adapter-azure/src/index.ts") },
      { find: /^@switchyard\/adapter-redis$/, replacement: src("./packages/adapter-redis/src/index.ts") },
      { find: /^@switchyard\/adapter-aws$/, replacement: src("./packages/adapter-aws/src/index.ts") },
      { find: /^@switchyard\/adapter-gcp$/, replacement: src("./packages/adapter-gcp/src/index.ts") },
      { find: /^@switchyard\/model-server$/, replacement: src("./packages/model-server/src/index.ts") },
      { find: /^@switchyard\/cli$/, replacement: src("./packages/cli/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "examples/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["test/harness/global-setup.ts"],
  },
});
