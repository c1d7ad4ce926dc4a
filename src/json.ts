/**
 * JSON parsing that never corrupts integers beyond 2^53.
 *
 * Mode ids were JSON numbers before 2025 and are strings since (docs/mode-api.md §2.2); a numeric id
 * above Number.MAX_SAFE_INTEGER would be rounded by plain JSON.parse. Node 22's JSON.parse passes
 * the source text of each primitive to the reviver (TC39 "JSON.parse source text access"), so an
 * unsafe integer is kept as its exact decimal string instead.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

interface ReviverContext {
  source?: string;
}

const INTEGER = /^-?\d+$/;

function losslessReviver(this: unknown, _key: string, value: unknown, context?: ReviverContext): unknown {
  if (
    typeof value === "number" &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    INTEGER.test(context.source)
  ) {
    return context.source;
  }
  return value;
}

/**
 * An unsafe integer has at least 16 digits (2^53 = 9007199254740992). Text without such a run parses the same with or
 * without the reviver, which (one call per value) makes parsing 4-5 times slower (measured on the simulator's list
 * pages). Spelled out as 16 `\d` rather than `\d{16}`: V8 scans for the explicit sequence about 7 times faster.
 */
const LONG_DIGIT_RUN = new RegExp("\\d".repeat(16));

/** JSON.parse with unsafe integers kept as exact strings. Throws SyntaxError like JSON.parse. */
export function parseJsonLossless(text: string): JsonValue {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text) as JsonValue;
  return JSON.parse(text, losslessReviver as (this: unknown, key: string, value: unknown) => unknown) as JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
