#!/usr/bin/env node
/** The package's executable: `switchyard-model-server <model.onnx> [options]` (same flags as `switchyard serve-model`). */
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2));
