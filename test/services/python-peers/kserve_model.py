"""A KServe custom model that publishes no tensor metadata, as custom predictors
commonly do: a logistic regression over 10 features (the weights of the model
server's test fixture), answering Open Inference Protocol v2 over REST and gRPC."""
import argparse

import numpy as np
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer
from kserve import model_server
from kserve.errors import InvalidInput
from kserve.utils.utils import generate_uuid

WEIGHTS = np.array([(1 if i % 2 == 0 else -1) * 0.1 * (i + 1) for i in range(10)], dtype=np.float32)


class Fraud(Model):
    """Scores `[n, 10]` FP32 rows into an `[n, 1]` FP32 probability named "probability"."""

    def __init__(self, name: str):
        super().__init__(name)
        self.load()

    def load(self) -> bool:
        self.ready = True
        return self.ready

    async def predict(self, payload: InferRequest, headers=None, response_headers=None) -> InferResponse:
        rows = payload.inputs[0].as_numpy().astype(np.float32)
        if rows.ndim != 2 or rows.shape[1] != 10:
            raise InvalidInput(f"expected rows of 10 features, got shape {list(rows.shape)}")
        scores = (1.0 / (1.0 + np.exp(-(rows @ WEIGHTS)))).astype(np.float32).reshape(-1, 1)
        output = InferOutput(name="probability", shape=list(scores.shape), datatype="FP32")
        output.set_data_from_numpy(scores, binary_data=False)
        return InferResponse(model_name=self.name, infer_outputs=[output], response_id=payload.id or generate_uuid())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(parents=[model_server.parser])
    args, _ = parser.parse_known_args()
    ModelServer(http_port=args.http_port, grpc_port=args.grpc_port, workers=1).start([Fraud("fraud")])
