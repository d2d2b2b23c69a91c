/**
 * Test fixture: a model server over the in-code logistic-regression model,
 * written to a temporary folder and removed on close.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServeModelOptions } from "./options.js";
import { serveModel, type ModelServer } from "./server.js";
import { writeTestModel, type TestModelOptions } from "./test-model.js";

/** Weights of the fixture model: 10 features. */
export const WEIGHTS = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 1 : -1) * 0.1 * (i + 1));

/** The fixture model's probability for one row, computed without onnxruntime. */
export function expected(row: readonly number[], bias = 0): number {
  const z = row.reduce((sum, x, i) => sum + x * WEIGHTS[i]!, bias);
  return 1 / (1 + Math.exp(-z));
}

/** A row of 10 features derived from `seed`. */
export function row(seed: number): number[] {
  return Array.from({ length: 10 }, (_, i) => ((seed * 7 + i * 3) % 11) / 5 - 1);
}

/** Serves the fixture model named `fraud` on an ephemeral 127.0.0.1 port. */
export async function startFixture(
  options: ServeModelOptions = {},
  model: TestModelOptions = {},
): Promise<ModelServer> {
  const dir = await mkdtemp(join(tmpdir(), "switchyard-model-"));
  const path = await writeTestModel(join(dir, "fraud.onnx"), { weights: WEIGHTS, ...model });
  try {
    const server = await serveModel(path, { port: 0, env: {}, ...options });
    return {
      ...server,
      close: async () => {
        await server.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** POSTs a JSON body and returns the status and parsed JSON answer. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : JSON.parse(text), headers: res.headers };
}

/** Resolves once `count` requests other than this check are in flight on the server (read from /metrics). */
export async function inflight(url: string, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const text = await (await fetch(`${url}/metrics`)).text();
    // The metrics request counts itself.
    if (Number(/switchyard_model_inflight_requests (\d+)/.exec(text)?.[1]) - 1 >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${count} requests never were in flight on ${url}`);
}
