import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  // Maps with their sources, so that a failing driver's stack trace points at TypeScript.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = true;
  },
  clean: true,
  target: "node20",
  // The host application brings core; bundling it would give two copies of SwitchyardError.
  external: ["@switchyard/core"],
});
