import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  // Maps carry the sources themselves, and the package ships src/ too, so stack traces resolve to TypeScript.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = true;
  },
  clean: true,
  target: "node20",
});
