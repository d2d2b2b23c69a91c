import { SwitchyardError } from "@switchyard/core/driver";

/** The request body for `inputs`: typed arrays become plain arrays, everything else goes as JSON. */
export function requestBody(
  inputs: readonly unknown[],
  parameters: Record<string, unknown> | undefined,
): string {
  const instances = inputs.map((x) =>
    ArrayBuffer.isView(x) && !(x instanceof DataView) ? Array.from(x as unknown as ArrayLike<number>) : x,
  );
  return JSON.stringify(parameters === undefined ? { instances } : { instances, parameters });
}

/** The `predictions` of an answer, one per input, or Internal naming what came back instead. */
export function predictionsOf(text: string, count: number, where: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SwitchyardError("Internal", `${where} answered with a body that is not JSON`);
  }
  const predictions = (body as { predictions?: unknown } | null)?.predictions;
  if (!Array.isArray(predictions) || predictions.length !== count) {
    throw new SwitchyardError(
      "Internal",
      `${where}: expected {"predictions": [...]} with ${count} predictions, got ${text.slice(0, 120)}`,
    );
  }
  return predictions;
}

/** The error message of a failed answer: Vertex's `{"error": {"message"}}`, a model server's `{"error": "…"}`, or the text. */
export function errorMessage(text: string): string {
  try {
    const { error } = JSON.parse(text) as { error?: unknown };
    if (typeof error === "string") return error;
    const message = (error as { message?: unknown } | undefined)?.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: the raw text below
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || "(empty body)";
}
