"""Drives a v2 server with Triton's own Python client and prints what it saw as JSON.

usage: triton_client.py http|grpc HOST:PORT MODEL binary|json BATCH...
"""
import json
import sys

import numpy as np

protocol, url, model, mode, *batches = sys.argv[1:]
if protocol == "http":
    import tritonclient.http as client
else:
    import tritonclient.grpc as client
from tritonclient.utils import InferenceServerException

binary = mode == "binary"
server = client.InferenceServerClient(url=url)
metadata = server.get_model_metadata(model) if protocol == "http" else server.get_model_metadata(model, as_json=True)
input_meta = metadata["inputs"][0]
features = int(input_meta["shape"][1])


def rows(n: int, width: int) -> np.ndarray:
    # The same rows as the model server's test fixture: row(seed) for seed 0..n-1.
    return np.array(
        [[((seed * 7 + i * 3) % 11) / 5 - 1 for i in range(width)] for seed in range(n)], dtype=np.float32
    )


def infer(data: np.ndarray):
    tensor = client.InferInput(input_meta["name"], list(data.shape), "FP32")
    if protocol == "http":
        tensor.set_data_from_numpy(data, binary_data=binary)
        outputs = [client.InferRequestedOutput("probability", binary_data=binary)]
    else:
        tensor.set_data_from_numpy(data)
        outputs = [client.InferRequestedOutput("probability")]
    return server.infer(model, [tensor], outputs=outputs)


answers = []
for n in map(int, batches):
    result = infer(rows(n, features))
    answers.append({"rows": n, "scores": result.as_numpy("probability").reshape(-1).tolist()})

try:
    infer(rows(2, features - 1))
    wrong_shape = None
except InferenceServerException as err:
    wrong_shape = {"status": str(err.status()), "message": err.message()}

print(
    json.dumps(
        {
            "live": server.is_server_live(),
            "ready": server.is_server_ready(),
            "model_ready": server.is_model_ready(model),
            "metadata": metadata,
            "answers": answers,
            "wrong_shape": wrong_shape,
        }
    )
)
