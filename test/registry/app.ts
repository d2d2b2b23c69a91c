/**
 * A new app as a user writes one after `npm install`ing Switchyard: its own
 * package.json and tsconfig (strict, with library checks on), a config with a
 * `local` and a `kafka` profile that lists the Kafka adapter by package name,
 * and a typed pipeline. Its `.npmrc` points only the `@switchyard` scope at
 * the test registry — nothing else.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scopeLine } from "./published.js";

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    types: ["node"],
  },
  include: ["switchyard.config.ts", "src"],
};

const CONFIG = `import { defineConfig } from "@switchyard/core";

export default defineConfig({
  adapters: ["@switchyard/adapter-kafka"],
  profiles: {
    local: {
      streams: { orders: "memory://orders?partitions=2", "dead-letters": "memory://dead-letters" },
      timeseries: { totals: "file:./local-totals.ndjson" },
    },
    kafka: {
      streams: {
        orders: "kafka://\${KAFKA_BROKERS}/\${RUN}.orders?partitions=2&create=true",
        "dead-letters": "kafka://\${KAFKA_BROKERS}/\${RUN}.dead-letters?create=true",
      },
      timeseries: { totals: "file:./kafka-totals.ndjson" },
    },
    scoring: {
      streams: { orders: "memory://orders", "dead-letters": "memory://dead-letters" },
      models: { score: "onnx:./model.onnx" },
    },
    "grpc-scoring": {
      streams: { orders: "memory://orders", "dead-letters": "memory://dead-letters" },
      models: { score: "kserve+grpc://127.0.0.1:1/score" },
    },
  },
});
`;

const PIPELINE = `import { json, pipeline } from "@switchyard/core";

/** An order as the producer writes it. */
export interface Order {
  id: string;
  amount: number;
}

export default pipeline("totals")
  .from("orders", { codec: json<Order>(), group: "totals" })
  .map((order) => ({ ...order, doubled: order.amount * 2 }))
  .record("totals", (order) => ({ tags: { id: order.id }, fields: { doubled: order.doubled } }));
`;

/** Writes the app into `dir`, depending on `packages` at `version` from the registry at `registry`. */
export function writeApp(dir: string, registry: string, version: string, packages: readonly string[]): void {
  mkdirSync(join(dir, "src"), { recursive: true });
  const manifest = {
    name: "registry-app",
    private: true,
    type: "module",
    dependencies: Object.fromEntries(packages.map((name) => [name, version])),
    devDependencies: { typescript: "~5.9", "@types/node": "^20.19.43" },
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, ".npmrc"), scopeLine(registry));
  writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  writeFileSync(join(dir, "switchyard.config.ts"), CONFIG);
  writeFileSync(join(dir, "src", "pipeline.ts"), PIPELINE);
}
