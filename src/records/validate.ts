import type { ErrorObject } from "ajv";

/**
 * A record that does not conform to its stream's schema (and `invalid_records` is not "skip"). The message names the
 * stream, the record key and the field, e.g. `reports record token=abc123: field "archived" must be boolean or null,
 * got "yes"`.
 */
export class RecordValidationError extends Error {
  override readonly name = "RecordValidationError";
  constructor(
    message: string,
    readonly stream: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** `token=abc123`, or `query_run_token=q1 row_number=3` for a composite key. */
export function describeKey(record: Readonly<Record<string, unknown>>, keyProperties: readonly string[]): string {
  return keyProperties
    .map((key) => `${key}=${record[key] === undefined ? "(missing)" : brief(record[key], false)}`)
    .join(" ");
}

/** One line describing the first ajv error: `field "archived" must be boolean or null, got "yes"`. */
export function describeError(
  error: ErrorObject,
  record: Readonly<Record<string, unknown>>,
): { field: string; text: string } {
  const path = pointerSegments(error.instancePath);
  if (error.keyword === "required") {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
    const field = [...path, missing].join(".");
    return { field, text: `field "${field}" is missing` };
  }
  const field = path.join(".") || "(record)";
  const value = valueAt(record, path);
  return { field, text: `field "${field}" ${constraint(error)}, got ${brief(value, true)}` };
}

function constraint(error: ErrorObject): string {
  switch (error.keyword) {
    case "type": {
      const declared = (error.params as { type?: unknown }).type;
      const types = (Array.isArray(declared) ? declared.map(String) : String(declared).split(",")).filter(
        (t) => t !== "",
      );
      const ordered = [...types.filter((t) => t !== "null"), ...types.filter((t) => t === "null")];
      const listed =
        ordered.length <= 1
          ? (ordered[0] ?? "of another type")
          : `${ordered.slice(0, -1).join(", ")} or ${ordered[ordered.length - 1]}`;
      return `must be ${listed}`;
    }
    case "format":
      return `must be a ${String((error.params as { format?: unknown }).format)} string`;
    default:
      return error.message ?? `fails "${error.keyword}"`;
  }
}

function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAt(record: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

const MAX_SHOWN = 60;

function brief(value: unknown, quoteStrings: boolean): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" && !quoteStrings ? value : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
