import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "driver/index": "src/driver/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  external: ["onnxruntime-node", "avsc", "protobufjs", "yaml", "@opentelemetry/api"],
});
