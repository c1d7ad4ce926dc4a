import type { JsonSchema } from "../singer/catalog-types.js";
import { canonicalTimestamp } from "./timestamps.js";

/**
 * What to do with one field's value, worked out once per stream from its schema so the per-record loop only looks
 * things up (no schema walking per record).
 */
export interface FieldPlan {
  /** The schema says string (and not number/integer): a JSON number becomes its exact decimal string. */
  readonly numberToString: boolean;
  /** `format: date-time`: written in the canonical UTC form. */
  readonly dateTime: boolean;
  /** Declared properties of an object value (HAL keys dropped, known properties normalised, others kept). */
  readonly object?: ObjectPlan;
  /** Plan of each array item. */
  readonly items?: FieldPlan;
  /** Nothing to do: the value is copied as is. */
  readonly passThrough: boolean;
}

export type ObjectPlan = ReadonlyMap<string, FieldPlan>;

/**
 * Keys never written (docs/mode-api.md §2.1, §7.7): HAL navigation (`_links`, `_forms`, `_embedded`) and the signed
 * values that change on every fetch (`web_preview_image`, a pre-signed S3 URL; `flamingo_signature`, which embeds a
 * timestamp). Dropping them silently keeps records stable between syncs.
 */
export const DROPPED_KEYS: ReadonlySet<string> = new Set([
  "_links",
  "_forms",
  "_embedded",
  "web_preview_image",
  "flamingo_signature",
]);

/** The plan of every declared top-level property of an object schema. */
export function planObject(schema: JsonSchema): ObjectPlan {
  const plan = new Map<string, FieldPlan>();
  for (const [name, property] of Object.entries(schema.properties ?? {})) plan.set(name, planField(property));
  return plan;
}

function planField(schema: JsonSchema): FieldPlan {
  const types = schemaTypes(schema);
  const numberToString = types.has("string") && !types.has("number") && !types.has("integer");
  const dateTime = schema.format === "date-time";
  const object = types.has("object") && schema.properties !== undefined ? planObject(schema) : undefined;
  const items = types.has("array") && schema.items !== undefined ? planField(schema.items) : undefined;
  const itemsMatter = items !== undefined && !items.passThrough;
  return {
    numberToString,
    dateTime,
    ...(object === undefined ? {} : { object }),
    ...(itemsMatter ? { items } : {}),
    passThrough: !numberToString && !dateTime && object === undefined && !itemsMatter,
  };
}

function schemaTypes(schema: JsonSchema): ReadonlySet<string> {
  const type = schema.type;
  if (typeof type === "string") return new Set([type]);
  if (Array.isArray(type)) return new Set(type as readonly string[]);
  return new Set();
}

/** The value in the tap's stable form: ids as strings, timestamps canonical UTC, nested HAL keys dropped. */
export function normalizeValue(plan: FieldPlan, value: unknown): unknown {
  if (plan.passThrough || value === null || value === undefined) return value;
  switch (typeof value) {
    case "number":
      return plan.numberToString ? decimalString(value) : value;
    case "string":
      return plan.dateTime ? (canonicalTimestamp(value) ?? value) : value;
    case "object":
      if (Array.isArray(value))
        return plan.items === undefined
          ? value
          : value.map((item: unknown) => normalizeValue(plan.items as FieldPlan, item));
      return plan.object === undefined
        ? value
        : normalizeObject(plan.object, value as Readonly<Record<string, unknown>>);
    default:
      return value;
  }
}

function normalizeObject(plan: ObjectPlan, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    const field = plan.get(key);
    out[key] = field === undefined ? value[key] : normalizeValue(field, value[key]);
  }
  return out;
}

/**
 * A JSON number as an exact decimal string: `1905171` -> "1905171". Integers are printed digit for digit even beyond
 * 1e21, where String() would switch to exponent notation. (Integers beyond 2^53 never get here: the lossless JSON
 * parser already kept them as strings; src/json.ts.)
 */
export function decimalString(value: number): string {
  return Number.isInteger(value) && Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
}
