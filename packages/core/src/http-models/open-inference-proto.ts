/**
 * The Open Inference Protocol's gRPC service (`inference.GRPCInferenceService`),
 * the subset Switchyard serves and calls, written from the protocol's published
 * message and field definitions: the field numbers are what wire compatibility
 * with Triton, KServe and MLServer clients and servers rests on.
 */
import protobuf from "protobufjs";

/** The .proto text of the subset: health, metadata and inference. */
export const OPEN_INFERENCE_PROTO = `
syntax = "proto3";
package inference;

service GRPCInferenceService {
  rpc ServerLive(ServerLiveRequest) returns (ServerLiveResponse);
  rpc ServerReady(ServerReadyRequest) returns (ServerReadyResponse);
  rpc ModelReady(ModelReadyRequest) returns (ModelReadyResponse);
  rpc ServerMetadata(ServerMetadataRequest) returns (ServerMetadataResponse);
  rpc ModelMetadata(ModelMetadataRequest) returns (ModelMetadataResponse);
  rpc ModelInfer(ModelInferRequest) returns (ModelInferResponse);
}

message ServerLiveRequest {}
message ServerLiveResponse { bool live = 1; }
message ServerReadyRequest {}
message ServerReadyResponse { bool ready = 1; }
message ModelReadyRequest { string name = 1; string version = 2; }
message ModelReadyResponse { bool ready = 1; }
message ServerMetadataRequest {}
message ServerMetadataResponse { string name = 1; string version = 2; repeated string extensions = 3; }
message ModelMetadataRequest { string name = 1; string version = 2; }

message ModelMetadataResponse {
  message TensorMetadata { string name = 1; string datatype = 2; repeated int64 shape = 3; }
  string name = 1;
  repeated string versions = 2;
  string platform = 3;
  repeated TensorMetadata inputs = 4;
  repeated TensorMetadata outputs = 5;
}

message InferParameter {
  oneof parameter_choice {
    bool bool_param = 1;
    int64 int64_param = 2;
    string string_param = 3;
    double double_param = 4;
    uint64 uint64_param = 5;
  }
}

message InferTensorContents {
  repeated bool bool_contents = 1;
  repeated int32 int_contents = 2;
  repeated int64 int64_contents = 3;
  repeated uint32 uint_contents = 4;
  repeated uint64 uint64_contents = 5;
  repeated float fp32_contents = 6;
  repeated double fp64_contents = 7;
  repeated bytes bytes_contents = 8;
}

message ModelInferRequest {
  message InferInputTensor {
    string name = 1;
    string datatype = 2;
    repeated int64 shape = 3;
    map<string, InferParameter> parameters = 4;
    InferTensorContents contents = 5;
  }
  message InferRequestedOutputTensor {
    string name = 1;
    map<string, InferParameter> parameters = 2;
  }
  string model_name = 1;
  string model_version = 2;
  string id = 3;
  map<string, InferParameter> parameters = 4;
  repeated InferInputTensor inputs = 5;
  repeated InferRequestedOutputTensor outputs = 6;
  repeated bytes raw_input_contents = 7;
}

message ModelInferResponse {
  message InferOutputTensor {
    string name = 1;
    string datatype = 2;
    repeated int64 shape = 3;
    map<string, InferParameter> parameters = 4;
    InferTensorContents contents = 5;
  }
  string model_name = 1;
  string model_version = 2;
  string id = 3;
  map<string, InferParameter> parameters = 4;
  repeated InferOutputTensor outputs = 5;
  repeated bytes raw_output_contents = 6;
}
`;

/** One RPC of the service: its gRPC path and how its messages go to and from bytes. */
export interface OpenInferenceMethod {
  /** `/inference.GRPCInferenceService/<Name>`. */
  path: string;
  /** Encodes a request object (protobufjs field names in camelCase). */
  encodeRequest: (value: object) => Buffer;
  /** Decodes a request to a plain object (int64 as numbers, bytes as Buffers). */
  decodeRequest: (bytes: Buffer) => Record<string, unknown>;
  /** Encodes a response object. */
  encodeResponse: (value: object) => Buffer;
  /** Decodes a response to a plain object. */
  decodeResponse: (bytes: Buffer) => Record<string, unknown>;
}

/** The RPC names of the subset. */
export type OpenInferenceRpc =
  "ServerLive" | "ServerReady" | "ModelReady" | "ServerMetadata" | "ModelMetadata" | "ModelInfer";

let methods: Record<OpenInferenceRpc, OpenInferenceMethod> | undefined;

/** Each RPC of the service, from the .proto text (parsed once). */
export function openInferenceMethods(): Record<OpenInferenceRpc, OpenInferenceMethod> {
  if (methods !== undefined) return methods;
  const root = protobuf.parse(OPEN_INFERENCE_PROTO, { keepCase: false }).root;
  const service = root.lookupService("inference.GRPCInferenceService");
  const built: Partial<Record<OpenInferenceRpc, OpenInferenceMethod>> = {};
  for (const method of service.methodsArray) {
    const request = root.lookupType(`inference.${method.requestType}`);
    const response = root.lookupType(`inference.${method.responseType}`);
    const plain = { longs: Number, defaults: true, arrays: true, objects: true };
    built[method.name as OpenInferenceRpc] = {
      path: `/inference.GRPCInferenceService/${method.name}`,
      encodeRequest: (value) => Buffer.from(request.encode(request.fromObject(value)).finish()),
      decodeRequest: (bytes) => request.toObject(request.decode(bytes), plain),
      encodeResponse: (value) => Buffer.from(response.encode(response.fromObject(value)).finish()),
      decodeResponse: (bytes) => response.toObject(response.decode(bytes), plain),
    };
  }
  methods = built as Record<OpenInferenceRpc, OpenInferenceMethod>;
  return methods;
}
