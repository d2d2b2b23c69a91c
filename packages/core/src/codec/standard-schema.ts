import { invalidArgument } from "./codec-error.js";

/**
 * A validator that implements the Standard Schema interface (version 1), which
 * zod (3.24+), valibot (1.0+), arktype (2.0+) and others share: one
 * `~standard.validate` that returns the validated value or the issues found.
 * Declared here, structurally, so core depends on no validator library.
 */
export interface StandardSchema<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": {
    /** The interface version: 1. */
    readonly version: 1;
    /** The library that made the schema, e.g. `zod`. */
    readonly vendor: string;
    /** Validates a value: its (possibly transformed) value, or its issues. */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    /** The schema's input and output types, for inference only. */
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** What a Standard Schema's `validate` returns: the value, or the issues that make it invalid. */
export type StandardResult<Output> =
  { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly StandardIssue[] };

/** One problem a Standard Schema found: a message and where in the value. */
export interface StandardIssue {
  /** What is wrong, in the validator's words. */
  readonly message: string;
  /** The path to the offending part of the value. */
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** The type a Standard Schema produces. */
export type StandardOutput<S extends StandardSchema> = NonNullable<S["~standard"]["types"]>["output"];

/** Whether a value is a Standard Schema (an object or function with `~standard`). */
export function isStandardSchema(value: unknown): value is StandardSchema {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Partial<StandardSchema>)["~standard"]?.validate === "function"
  );
}

/** How many issues an error message lists before it says how many more there are. */
const LISTED_ISSUES = 3;

/**
 * Validates a decoded value; throws InvalidArgument carrying the validator's
 * messages (so the record goes to the dead-letter stream saying why), or when
 * the validator is asynchronous, which a codec cannot wait for.
 */
export function validateWith<T>(schema: StandardSchema<unknown, T>, value: unknown, codec: string): T {
  const standard = schema["~standard"];
  const result = standard.validate(value);
  if (result instanceof Promise) {
    // Swallow the pending result: the error below is what the caller needs to see.
    result.catch(() => undefined);
    throw invalidArgument(
      codec,
      `the ${standard.vendor} schema validates asynchronously (an async refinement?); codecs decode synchronously — use a synchronous schema`,
    );
  }
  if (result.issues === undefined) return result.value;
  const listed = result.issues.slice(0, LISTED_ISSUES).map(describeIssue).join("; ");
  const more = result.issues.length - LISTED_ISSUES;
  throw invalidArgument(
    codec,
    `record does not match the ${standard.vendor} schema: ${listed}${more > 0 ? ` (and ${more} more)` : ""}`,
  );
}

function describeIssue(issue: StandardIssue): string {
  const path = (issue.path ?? [])
    .map((segment) => (typeof segment === "object" ? segment.key : segment))
    .map(String)
    .join(".");
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}
