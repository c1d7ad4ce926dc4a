/**
 * JSON parsing that never corrupts integers beyond 2^53.
 *
 * Mode ids were JSON numbers before 2025 and are strings since (mode-api notes §2.2); a numeric id
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
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined && INTEGER.test(context.source)) {
    return context.source;
  }
  return value;
}

/** JSON.parse with unsafe integers kept as exact strings. Throws SyntaxError like JSON.parse. */
export function parseJsonLossless(text: string): JsonValue {
  return JSON.parse(text, losslessReviver as (this: unknown, key: string, value: unknown) => unknown) as JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
