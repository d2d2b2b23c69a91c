/** Values that are not aborts, which `errorCode` must classify without throwing and never as Canceled. */
export function junkErrors(): unknown[] {
  const cyclic: Record<string, unknown> = { message: "cyclic" };
  cyclic.self = cyclic;
  cyclic.cause = cyclic;
  const cyclicError = new Error("cyclic cause");
  (cyclicError as Error & { cause: unknown }).cause = cyclicError;
  const odd = (code: unknown) => Object.assign(new Error(`odd code ${String(code)}`), { code });
  return [
    null,
    undefined,
    "",
    "a bare string",
    "ECONNREFUSED",
    42,
    Number.NaN,
    true,
    {},
    [],
    { code: "ECONNREFUSED" },
    { message: 42, name: null },
    { name: "SomeProviderError", $metadata: { httpStatusCode: 999 } },
    { status: "teapot", statusCode: -1, response: null },
    new Error("something odd happened"),
    new TypeError("not a function"),
    odd(404),
    odd(null),
    odd({ nested: true }),
    odd(""),
    odd("NotACode"),
    odd(Symbol("code")),
    odd(Number.POSITIVE_INFINITY),
    Object.assign(new Error("odd name"), { name: 17 }),
    cyclic,
    cyclicError,
    Object.create(null),
    new AggregateError([new Error("a"), cyclicError], "several"),
  ];
}

/** Abort errors as Node and fetch raise them, which `errorCode` must report as Canceled or leave Unknown for core. */
export function abortErrors(): unknown[] {
  const controller = new AbortController();
  controller.abort();
  return [
    controller.signal.reason,
    new DOMException("The operation was aborted", "AbortError"),
    Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" }),
  ];
}
