"""Scoring script for Microsoft's Azure ML inference server (azmlinfsrv) in tests.

The same ten-feature logistic regression as the model server's test fixture
(packages/model-server/src/fixture.ts), so predictions can be checked. Takes
the Azure ML online-endpoint body {"input_data": {"data": rows}} and answers a
JSON array of probabilities; a row that is not ten numbers gets a 400, as a
deployment's own input validation would answer.
"""

import json
import math

from azureml_inference_server_http.api.aml_request import rawhttp
from azureml_inference_server_http.api.aml_response import AMLResponse

WEIGHTS = [(1 if i % 2 == 0 else -1) * 0.1 * (i + 1) for i in range(10)]


def init():
    """Nothing to load: the weights are above."""


def _probability(row):
    z = sum(x * w for x, w in zip(row, WEIGHTS))
    return 1 / (1 + math.exp(-z))


def _is_row(row):
    return (
        isinstance(row, list)
        and len(row) == len(WEIGHTS)
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in row)
    )


@rawhttp
def run(request):
    """POST /score: one probability per row."""
    if request.method != "POST":
        return AMLResponse("POST a JSON body to /score", 405)
    try:
        rows = json.loads(request.get_data())["input_data"]["data"]
    except (ValueError, KeyError, TypeError):
        return AMLResponse('expected {"input_data": {"data": [[10 numbers], ...]}}', 400)
    if not isinstance(rows, list) or not all(_is_row(r) for r in rows):
        return AMLResponse(f"every row must be {len(WEIGHTS)} numbers", 400)
    return AMLResponse(json.dumps([_probability(r) for r in rows]), 200, {"Content-Type": "application/json"})
