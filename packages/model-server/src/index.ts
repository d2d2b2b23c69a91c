/**
 * @switchyard/model-server — one ONNX model served with every cloud's serving
 * contract: Open Inference Protocol v2 (KServe, Triton), TensorFlow Serving,
 * SageMaker, Vertex AI, Azure ML and MLflow.
 */
export { serveModel } from "./server.js";
export type { ModelServer } from "./server.js";
export type { ServeModelOptions } from "./options.js";
export type { BatcherStats } from "./batcher.js";
export type { TensorSpec } from "./model.js";
export { SERVE_MODEL_SUMMARY, SERVE_MODEL_USAGE, main, serveModelCommand } from "./cli.js";
export type { MainIo } from "./cli.js";
export { logisticRegressionModel, writeTestModel } from "./test-model.js";
export type { TestModelOptions } from "./test-model.js";
