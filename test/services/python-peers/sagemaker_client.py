"""Calls a SageMaker-style endpoint with boto3's sagemaker-runtime client; prints the answers as JSON.

usage: sagemaker_client.py ENDPOINT_URL ENDPOINT_NAME
"""
import json
import sys

import boto3

url, name = sys.argv[1:]
runtime = boto3.client(
    "sagemaker-runtime",
    endpoint_url=url,
    region_name="us-east-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
)
rows = [[((seed * 7 + i * 3) % 11) / 5 - 1 for i in range(10)] for seed in range(3)]
as_json = runtime.invoke_endpoint(
    EndpointName=name, ContentType="application/json", Accept="application/json", Body=json.dumps({"instances": rows})
)
as_csv = runtime.invoke_endpoint(
    EndpointName=name,
    ContentType="text/csv",
    Accept="text/csv",
    Body="\n".join(",".join(str(v) for v in row) for row in rows),
)
print(
    json.dumps(
        {
            "json": {"contentType": as_json["ContentType"], "body": as_json["Body"].read().decode()},
            "csv": {"contentType": as_csv["ContentType"], "body": as_csv["Body"].read().decode()},
        }
    )
)
