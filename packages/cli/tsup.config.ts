import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", main: "src/main.ts" },
  format: ["esm"],
  // No shared chunk: main.js must hold its own code, since it checks import.meta.url to know it is the bin.
  splitting: false,
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
  // The OpenTelemetry SDK and the model server are optional: loaded at run time when asked for, never bundled.
  external: ["@switchyard/core", "@switchyard/model-server", "tsx", /^@opentelemetry\//],
});
