import type { JsonObject } from "../json.js";

/**
 * Schema flattening as the Meltano SDK does it (`flattening_enabled`, `flattening_max_depth`;
 * https://sdk.meltano.com/en/latest/stream_maps.html#schema-flattening-applications): a nested object with declared
 * properties, down to the depth limit, becomes `parent__child` columns in SCHEMA and RECORD; an array, an object past
 * the limit and an object whose schema declares no properties become one column holding compact JSON text, typed
 * `["string", "null"]` (or `"string"` when not nullable).
 *
 * One difference, for targets such as singer-io's target-csv that take their columns from the first record: the SDK
 * walks each record's own keys, so a nested key that one record lacks (or an undeclared one it has) changes that
 * record's columns. Here records are built from the flattened schema's column list: every record has every column, in
 * the schema's order, null where the value is missing; a record's undeclared top-level keys follow (objects as JSON).
 */

export const FLATTENING_SEPARATOR = "__";

interface Column {
  readonly name: string;
  /** Keys from the record root down to the value. */
  readonly path: readonly string[];
}

/** A flattened stream: its SCHEMA and how to build each RECORD. */
export interface Flattener {
  readonly schema: JsonObject;
  flatten(record: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

function types(schema: JsonObject): readonly string[] {
  const type = schema.type;
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === "string") : [];
}

function hasProperties(schema: JsonObject): boolean {
  const properties = schema.properties;
  return typeof properties === "object" && properties !== null && !Array.isArray(properties);
}

function collect(
  schema: JsonObject,
  path: readonly string[],
  level: number,
  maxDepth: number,
  columns: Column[],
  properties: JsonObject,
): void {
  for (const [name, value] of Object.entries(schema.properties as JsonObject)) {
    const property = (value ?? {}) as JsonObject;
    const columnPath = [...path, name];
    const column = columnPath.join(FLATTENING_SEPARATOR);
    const kinds = types(property);
    if (kinds.includes("object") && hasProperties(property) && level < maxDepth) {
      collect(property, columnPath, level + 1, maxDepth, columns, properties);
      continue;
    }
    if (kinds.length === 0 || kinds.includes("array") || kinds.includes("object")) {
      // JSON text: arrays, objects past the depth limit or without declared properties, and untyped properties.
      properties[column] = { type: kinds.length === 0 || kinds.includes("null") ? ["string", "null"] : "string" };
    } else {
      properties[column] = property;
    }
    columns.push({ name: column, path: columnPath });
  }
}

/** Compact JSON text of objects and arrays (as the SDK writes them); other values as they are. */
function cell(value: unknown): unknown {
  if (value === undefined) return null;
  return typeof value === "object" && value !== null ? JSON.stringify(value) : value;
}

/**
 * The flattener of a stream schema. Throws when two columns get the same name (e.g. a property `a__b` next to an object
 * `a` with a property `b`), as the SDK does.
 */
export function createFlattener(schema: JsonObject, maxDepth: number): Flattener {
  const columns: Column[] = [];
  const properties: JsonObject = {};
  if (hasProperties(schema)) collect(schema, [], 0, maxDepth, columns, properties);
  const names = new Set<string>();
  for (const column of columns) {
    if (names.has(column.name)) throw new Error(`flattening produces the column "${column.name}" twice`);
    names.add(column.name);
  }
  const topLevel = new Set(Object.keys(hasProperties(schema) ? (schema.properties as JsonObject) : {}));
  const { properties: _replaced, ...rest } = schema;
  return {
    schema: { ...rest, properties },
    flatten(record) {
      const out: Record<string, unknown> = {};
      for (const column of columns) {
        let value: unknown = record;
        for (const key of column.path) {
          value =
            typeof value === "object" && value !== null && !Array.isArray(value)
              ? (value as Record<string, unknown>)[key]
              : undefined;
          if (value === undefined) break;
        }
        out[column.name] = cell(value);
      }
      for (const key of Object.keys(record)) if (!topLevel.has(key) && !names.has(key)) out[key] = cell(record[key]);
      return out;
    },
  };
}
