import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";
import { StateError } from "../state.js";

/**
 * Checks of bookmark fields, for the strategies' `parseBookmark`: each throws one StateError naming the field (the
 * loader adds which state it came from). A missing field is allowed wherever the strategy has a default.
 */
export function bad(field: string, expected: string): never {
  throw new StateError(`"${field}" must be ${expected}`);
}

export function optionalString(raw: JsonObject, key: string, field: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : bad(`${field}.${key}`, "a string");
}

export function optionalTimestamp(raw: JsonObject, key: string, field: string): string | null | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return value;
  return isTimestamp(value) ? value : bad(`${field}.${key}`, "an ISO 8601 timestamp");
}

export function optionalObject(raw: JsonObject, key: string, field: string): JsonObject | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  return isJsonObject(value) ? value : bad(`${field}.${key}`, "an object");
}

/** `raw[key]` as an object of strings (e.g. parent token -> sync id), when present. */
export function optionalStringMap(raw: JsonObject, key: string, field: string): Record<string, string> | undefined {
  const value = optionalObject(raw, key, field);
  if (value === undefined) return undefined;
  for (const [k, v] of Object.entries(value)) if (typeof v !== "string") bad(`${field}.${key}.${k}`, "a string");
  return value as Record<string, string>;
}

export function isTimestamp(value: JsonValue | undefined): value is string {
  return typeof value === "string" && !Number.isNaN(Date.parse(value));
}
