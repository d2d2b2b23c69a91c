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
  // The OpenTelemetry SDK is optional: loaded at run time when --metrics-port or --otlp asks for it, never bundled.
  external: ["@switchyard/core", "tsx", /^@opentelemetry\//],
});
