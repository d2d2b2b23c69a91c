import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expected, row, startFixture } from "../fixture.js";
import type { ModelServer } from "../server.js";

/** Posts a binary-extension request: the JSON header, then `tail`. */
async function postBinary(url: string, header: unknown, tail: Uint8Array, headerLength?: string) {
  const json = Buffer.from(JSON.stringify(header));
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/octet-stream",
      "inference-header-content-length": headerLength ?? String(json.length),
    },
    body: Buffer.concat([json, tail]),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const length = Number(res.headers.get("inference-header-content-length") ?? bytes.length);
  return {
    status: res.status,
    json: JSON.parse(bytes.subarray(0, length).toString()),
    tail: bytes.subarray(length),
  };
}

const floats = (rows: number[][]) => Buffer.from(Float32Array.from(rows.flat()).buffer);

describe("Open Inference Protocol v2: binary tensor data extension", () => {
  let server: ModelServer;
  let infer: string;
  beforeAll(async () => {
    server = await startFixture({}, { withLogits: true });
    infer = `${server.url}/v2/models/fraud/infer`;
  });
  afterAll(() => server.close());

  it("lists the extension in the server metadata", async () => {
    const meta = (await (await fetch(`${server.url}/v2`)).json()) as { extensions: string[] };
    expect(meta.extensions).toContain("binary_tensor_data");
  });

  it("reads a binary input and answers binary outputs after the JSON header", async () => {
    const rows = [row(1), row(2), row(3)];
    const res = await postBinary(
      infer,
      {
        id: "b1",
        inputs: [
          { name: "features", shape: [3, 10], datatype: "FP32", parameters: { binary_data_size: 120 } },
        ],
        outputs: [
          { name: "probability", parameters: { binary_data: true } },
          { name: "logits", parameters: { binary_data: false } },
        ],
      },
      floats(rows),
    );
    expect(res.status).toBe(200);
    const [probability, logits] = res.json.outputs;
    expect(probability).toEqual({
      name: "probability",
      datatype: "FP32",
      shape: [3, 1],
      parameters: { binary_data_size: 12 },
    });
    expect(logits.data).toHaveLength(3);
    const scores = new Float32Array(res.tail.buffer.slice(res.tail.byteOffset, res.tail.byteOffset + 12));
    rows.forEach((r, i) => expect(scores[i]).toBeCloseTo(expected(r), 5));
    expect(res.tail.length).toBe(12);
  });

  it("answers binary outputs to a JSON request with binary_data_output", async () => {
    const res = await fetch(infer, {
      method: "POST",
      body: JSON.stringify({
        inputs: [{ name: "features", shape: [1, 10], datatype: "FP32", data: row(4) }],
        parameters: { binary_data_output: true },
      }),
    });
    const length = Number(res.headers.get("inference-header-content-length"));
    const bytes = Buffer.from(await res.arrayBuffer());
    const header = JSON.parse(bytes.subarray(0, length).toString());
    expect(header.outputs.map((o: { parameters: object }) => o.parameters)).toEqual([
      { binary_data_size: 4 },
      { binary_data_size: 4 },
    ]);
    expect(bytes.readFloatLE(length)).toBeCloseTo(expected(row(4)), 5);
  });

  it("refuses a byte count that does not fit the shape, the header or the body, and keeps serving", async () => {
    const header = (size: number) => ({
      inputs: [
        { name: "features", shape: [2, 10], datatype: "FP32", parameters: { binary_data_size: size } },
      ],
    });
    const short = await postBinary(infer, header(40), floats([row(1)]));
    expect(short.status).toBe(400);
    expect(short.json.error).toMatch(/40 bytes of binary data; its shape \[2, 10\] of FP32 needs 80/);
    const mismatch = await postBinary(infer, header(80), floats([row(1)]));
    expect(mismatch.json.error).toMatch(/binary_data_size is 80, but 40 bytes follow the JSON header/);
    const tooLong = await postBinary(infer, header(40), floats([row(1)]), "100000");
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toMatch(/Inference-Header-Content-Length is "100000"/);
    const stray = await postBinary(
      infer,
      { inputs: [{ name: "features", shape: [1, 10], datatype: "FP32", data: row(1) }] },
      floats([row(1)]),
    );
    expect(stray.json.error).toMatch(/no input sets parameters.binary_data_size/);
    const ok = await postBinary(infer, header(80), floats([row(1), row(2)]));
    expect(ok.status).toBe(200);
  });
});
