/**
 * @switchyard/core/driver — the interfaces adapter authors implement. Users call
 * the portable classes in @switchyard/core instead.
 */
export type { Adapter, DriverByKind, DriverContext, ResourceKind, SchemeHandler } from "./adapter.js";
export type {
  ModelCapabilities,
  StateCapabilities,
  StreamCapabilities,
  TimeSeriesCapabilities,
} from "./capabilities.js";
export type { ModelDriver } from "./model.js";
export type { Headers, IncomingRecord, OutgoingRecord, Position, SendResult } from "./record.js";
export type { StateEntry, StateIncrement, StateStoreDriver, StateWrite, StateWriteResult } from "./state.js";
export type {
  AssignmentChange,
  ConsumerDriver,
  ConsumerOptions,
  StartPosition,
  StreamDriver,
} from "./stream.js";
export type { Point, TimeSeriesDriver } from "./timeseries.js";
export { logisticRegressionOnnx, writeLogisticRegressionOnnx } from "../embedded/onnx-fixture.js";
export type { LinearModelOptions } from "../embedded/onnx-fixture.js";
export {
  ERROR_CODES,
  SwitchyardError,
  codeOf,
  isAbort,
  isConnectionError,
  isRetryable,
  wrapError,
} from "../errors.js";
export type { ErrorCode } from "../errors.js";
export { OPEN_INFERENCE_PROTO, openInferenceMethods } from "../http-models/open-inference-proto.js";
export type { OpenInferenceMethod, OpenInferenceRpc } from "../http-models/open-inference-proto.js";
export { OpenConsumers } from "../resources/open-consumers.js";
export { linkSignals, raceAbort, deadlineSignal } from "../resources/signals.js";
export type { LinkedSignal } from "../resources/signals.js";
export { TLS_FILE_PARAMS, tlsConnectionOptions } from "../tls/pem-files.js";
export type { TlsFileParam, TlsFiles } from "../tls/pem-files.js";
export { isTlsError, tlsProblem } from "../tls/tls-problems.js";
export type { TlsPeer } from "../tls/tls-problems.js";
export { probeTlsHandshake } from "../tls/handshake-probe.js";
export type { HandshakeOutcome } from "../tls/handshake-probe.js";
