import { ConfigError } from "../errors.js";
import type { JsonObject, JsonValue } from "../json.js";
import { createFlattener } from "./flatten.js";
import {
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  compileExpression,
  truthy,
  type CompiledExpression,
  type NameLookup,
} from "./expression.js";

/**
 * Inline stream maps with the Meltano SDK's semantics (https://sdk.meltano.com/en/latest/stream_maps.html; its
 * `singer_sdk/mapper.py`): per stream (name or glob pattern), drop a property (`null` or `"__NULL__"`), add or replace
 * one from an expression, filter records (`__filter__`), rename the stream (`__alias__`), copy it (`__source__`), keep
 * only the listed properties (`__else__: null`), override the key (`__key_properties__`); a whole stream set to null is
 * dropped, and a top-level `__else__: null` drops every stream not listed. Flattening (flatten.ts) runs after the map,
 * as in the SDK.
 */

export interface StreamMapSettings {
  readonly streamMaps: JsonObject;
  readonly streamMapConfig: JsonObject;
  readonly flatteningEnabled: boolean;
  readonly flatteningMaxDepth?: number;
}

/** One stream as written after the maps: a source stream gives none (dropped), one, or several (`__source__`). */
export interface MappedStream {
  readonly name: string;
  readonly schema: JsonObject;
  readonly keyProperties: readonly string[];
  /** The record to write, or null when the filter drops it. Throws StreamMapRecordError when an expression fails. */
  map(record: Readonly<Record<string, unknown>>): Record<string, unknown> | null;
}

/** An expression failed on a record (e.g. int() of a non-number): the run stops, naming stream and property. */
export class StreamMapRecordError extends Error {
  override readonly name = "StreamMapRecordError";
  readonly exitCode = 1;
}

const NULL_STRING = "__NULL__";
const BUILTIN_NAMES = new Set(["record", "_", "config", "self", "__stream_name__", "__original_stream_name__"]);

const isNull = (value: JsonValue | undefined): boolean => value === null || value === NULL_STRING;
const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

type PropertyOp =
  | { readonly property: string; readonly drop: true }
  | { readonly property: string; readonly drop: false; readonly expression: CompiledExpression };

interface StreamMapDefinition {
  /** The key in `stream_maps`: a stream name or a glob pattern (or the new stream's name with `__source__`). */
  readonly key: string;
  /** null: the stream is dropped. */
  readonly map: {
    readonly source?: string;
    readonly alias?: string;
    readonly filter?: CompiledExpression;
    readonly keyProperties?: readonly string[];
    readonly keepUnlisted: boolean;
    readonly ops: readonly PropertyOp[];
  } | null;
}

/** fnmatch-style glob (`*`, `?`, `[...]`), as the SDK matches stream names. */
function globMatches(pattern: string, name: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === name;
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        const body = pattern.slice(i + 1, end);
        source += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s").test(name);
}

function compile(key: string, property: string, source: JsonValue | undefined): CompiledExpression {
  if (typeof source !== "string")
    throw new ConfigError(`config: "stream_maps.${key}.${property}" must be an expression string or null`);
  try {
    return compileExpression(source);
  } catch (error) {
    const reason = error instanceof ExpressionSyntaxError ? error.message : String(error);
    throw new ConfigError(
      `config: "stream_maps.${key}.${property}": cannot evaluate ${JSON.stringify(source)}: ${reason}`,
    );
  }
}

function parseDefinition(key: string, value: JsonValue | undefined): StreamMapDefinition {
  if (isNull(value)) return { key, map: null };
  if (!isObject(value))
    throw new ConfigError(
      `config: "stream_maps.${key}" must be an object of property maps, or null to drop the stream`,
    );
  let source: string | undefined;
  let alias: string | undefined;
  let filter: CompiledExpression | undefined;
  let keyProperties: readonly string[] | undefined;
  let keepUnlisted = true;
  const ops: PropertyOp[] = [];
  for (const [property, definition] of Object.entries(value)) {
    switch (property) {
      case "__source__":
      case "__alias__":
        if (typeof definition !== "string" || definition === "")
          throw new ConfigError(`config: "stream_maps.${key}.${property}" must be a non-empty string`);
        if (property === "__source__") source = definition;
        else alias = definition;
        break;
      case "__filter__":
        filter = compile(key, property, definition);
        break;
      case "__key_properties__":
        if (definition !== null && !(Array.isArray(definition) && definition.every((k) => typeof k === "string")))
          throw new ConfigError(
            `config: "stream_maps.${key}.__key_properties__" must be a list of property names or null`,
          );
        keyProperties = (definition ?? []) as string[];
        break;
      case "__else__":
        if (!isNull(definition))
          throw new ConfigError(`config: "stream_maps.${key}.__else__" supports only null (drop unlisted properties)`);
        keepUnlisted = false;
        break;
      default:
        if (property.startsWith("__") && property.endsWith("__"))
          throw new ConfigError(`config: "stream_maps.${key}.${property}" is not a stream map option`);
        ops.push(
          isNull(definition)
            ? { property, drop: true }
            : { property, drop: false, expression: compile(key, property, definition) },
        );
    }
  }
  return {
    key,
    map: {
      ...(source !== undefined ? { source } : {}),
      ...(alias !== undefined ? { alias } : {}),
      ...(filter !== undefined ? { filter } : {}),
      ...(keyProperties !== undefined ? { keyProperties } : {}),
      keepUnlisted,
      ops,
    },
  };
}

/**
 * `__alias__` is an expression over `__stream_name__`; text that is not one (e.g. `customers_v2`) is the name itself.
 */
function aliasOf(expression: string, stream: string): string {
  try {
    const value = compileExpression(expression).evaluate((name) => (name === "__stream_name__" ? stream : undefined));
    if (typeof value === "string") return value;
  } catch {
    // Not an expression over __stream_name__: the text is the alias, as the SDK falls back on NameNotDefined.
  }
  return expression;
}

/** The type the SDK infers for a computed property (`_eval_type` in singer_sdk/mapper.py), made nullable. */
function inferredSchema(expression: string, existing: JsonObject | undefined, rawSchema: JsonObject): JsonObject {
  const nullable = (schema: JsonObject): JsonObject => {
    const type = schema.type;
    if (type === undefined) return schema;
    const list = Array.isArray(type) ? type : [type];
    return { ...schema, type: list.includes("null") ? list : [...list, "null"] };
  };
  if (expression === "record") return nullable(rawSchema);
  if (expression.startsWith("float(")) return { type: ["number", "null"] };
  if (expression.startsWith("int(")) return { type: ["integer", "null"] };
  if (expression.startsWith("str(") || expression.startsWith("json.dumps(")) return { type: ["string", "null"] };
  if (expression.startsWith("bool(")) return { type: ["boolean", "null"] };
  if (expression.length > 1 && expression.startsWith("'") && expression.endsWith("'"))
    return { type: ["string", "null"] };
  return existing === undefined ? { type: ["string", "null"] } : nullable(existing);
}

export interface SourceStream {
  readonly name: string;
  readonly schema: JsonObject;
  readonly keyProperties: readonly string[];
}

/**
 * Compiled `stream_maps`, `stream_map_config` and flattening settings: gives the mapped streams of each source stream.
 */
export class StreamMapper {
  private readonly definitions: readonly StreamMapDefinition[];
  private readonly dropUnlisted: boolean;

  /** Compiles every expression: anything it cannot evaluate is a ConfigError naming the stream map and property. */
  constructor(private readonly settings: StreamMapSettings) {
    const definitions: StreamMapDefinition[] = [];
    let dropUnlisted = false;
    for (const [key, value] of Object.entries(settings.streamMaps)) {
      if (key === "__else__") {
        if (!isNull(value))
          throw new ConfigError(`config: "stream_maps.__else__" supports only null (drop the streams not listed)`);
        dropUnlisted = true;
        continue;
      }
      if (key.startsWith("__")) throw new ConfigError(`config: "stream_maps.${key}" is not a stream map option`);
      definitions.push(parseDefinition(key, value));
    }
    this.definitions = definitions;
    this.dropUnlisted = dropUnlisted;
  }

  /** True when the settings change nothing (no maps, no flattening): the sink can be used as it is. */
  get isIdentity(): boolean {
    return this.definitions.length === 0 && !this.dropUnlisted && !this.flattening;
  }

  private get flattening(): boolean {
    return this.settings.flatteningEnabled && (this.settings.flatteningMaxDepth ?? 0) > 0;
  }

  /**
   * Checks the maps against the streams a sync will write, before it writes anything: the same errors `streamsFor`
   * would throw at each stream's SCHEMA, at once.
   */
  check(sources: readonly SourceStream[]): void {
    for (const source of sources) this.streamsFor(source);
  }

  /**
   * The streams written for one source stream, from its SCHEMA. Throws ConfigError when a map cannot apply to it: an
   * expression reading a name the stream does not have, a key property removed or missing.
   */
  streamsFor(source: SourceStream): readonly MappedStream[] {
    const out: Array<MappedStream | null> = [this.dropUnlisted ? null : this.identity(source)];
    for (const definition of this.definitions) {
      const { map } = definition;
      let pattern = definition.key;
      let name = definition.key;
      const primary = map?.source === undefined;
      if (map?.source !== undefined) pattern = map.source;
      else if (map?.alias !== undefined) name = aliasOf(map.alias, source.name);
      if (source.name !== pattern) {
        if (!globMatches(pattern, source.name)) continue;
        if (name === pattern) name = source.name;
      }
      const mapped = map === null ? null : this.custom(definition, name, source);
      if (primary) out[0] = mapped;
      else out.push(mapped);
    }
    return out.filter((s): s is MappedStream => s !== null);
  }

  private flattened(
    name: string,
    schema: JsonObject,
    keyProperties: readonly string[],
    map: MappedStream["map"],
  ): MappedStream {
    if (!this.flattening) return { name, schema, keyProperties, map };
    let flattener;
    try {
      flattener = createFlattener(schema, this.settings.flatteningMaxDepth ?? 0);
    } catch (error) {
      throw new ConfigError(`config: flattening stream "${name}": ${(error as Error).message}`);
    }
    return {
      name,
      schema: flattener.schema,
      keyProperties,
      map: (record) => {
        const result = map(record);
        return result === null ? null : flattener.flatten(result);
      },
    };
  }

  private identity(source: SourceStream): MappedStream {
    return this.flattened(source.name, source.schema, source.keyProperties, (record) => record);
  }

  private custom(definition: StreamMapDefinition, name: string, source: SourceStream): MappedStream {
    const map = definition.map;
    if (map === null) throw new Error("unreachable: a dropped stream has no map");
    const key = definition.key;
    const rawProperties = isObject(source.schema.properties) ? source.schema.properties : {};
    const keyProperties = map.keyProperties ?? source.keyProperties;
    const schema: JsonObject = map.keepUnlisted
      ? { ...source.schema, properties: { ...rawProperties } }
      : { type: "object", properties: {} };
    const properties = schema.properties as JsonObject;

    const check = (property: string, expression: CompiledExpression): void => {
      for (const used of expression.names)
        if (!BUILTIN_NAMES.has(used) && !Object.hasOwn(rawProperties, used))
          throw new ConfigError(
            `config: "stream_maps.${key}.${property}" reads "${used}", which stream ${source.name} does ` +
              `not have (neither a selected property nor one of ${[...BUILTIN_NAMES].join(", ")})`,
          );
    };
    if (map.filter) check("__filter__", map.filter);

    for (const op of map.ops) {
      if (op.drop) {
        if (keyProperties.includes(op.property))
          throw new ConfigError(
            `config: "stream_maps.${key}.${op.property}": removing key property "${op.property}" of stream ` +
              `${source.name} needs "__key_properties__" with the new key (or null for none)`,
          );
        delete properties[op.property];
        if (Array.isArray(schema.required)) schema.required = schema.required.filter((r) => r !== op.property);
        continue;
      }
      check(op.property, op.expression);
      const existing = properties[op.property] ?? rawProperties[op.expression.source];
      properties[op.property] = inferredSchema(
        op.expression.source,
        isObject(existing) ? existing : undefined,
        source.schema,
      );
    }
    for (const property of keyProperties)
      if (!Object.hasOwn(properties, property))
        throw new ConfigError(
          `config: "stream_maps.${key}": key property "${property}" of stream ${name} is not in the mapped schema`,
        );

    const config = this.settings.streamMapConfig;
    const { filter, keepUnlisted, ops } = map;
    const transform = (record: Readonly<Record<string, unknown>>): Record<string, unknown> | null => {
      const names = (property: string | undefined): NameLookup => {
        return (n) => {
          switch (n) {
            case "record":
            case "_":
              return record;
            case "config":
              return config;
            case "__stream_name__":
              return name;
            case "__original_stream_name__":
              return source.name;
            case "self":
              return property === undefined ? undefined : (record[property] ?? null);
            default:
              return Object.hasOwn(record, n)
                ? (record[n] ?? null)
                : Object.hasOwn(rawProperties, n)
                  ? null
                  : undefined;
          }
        };
      };
      const run = (property: string, expression: CompiledExpression, lookup: NameLookup): unknown => {
        try {
          return expression.evaluate(lookup);
        } catch (error) {
          if (!(error instanceof ExpressionEvaluationError)) throw error;
          throw new StreamMapRecordError(
            `stream_maps.${key}.${property}: ${error.message} (evaluating ` +
              `${JSON.stringify(expression.source)} on a ${source.name} record)`,
          );
        }
      };
      if (filter !== undefined && !truthy(run("__filter__", filter, names(undefined)))) return null;
      let result: Record<string, unknown>;
      if (keepUnlisted) result = { ...record };
      else {
        result = {};
        for (const property of keyProperties) if (Object.hasOwn(record, property)) result[property] = record[property];
      }
      for (const op of ops) {
        if (op.drop) delete result[op.property];
        else result[op.property] = run(op.property, op.expression, names(op.property)) ?? null;
      }
      return result;
    };
    return this.flattened(name, schema, keyProperties, transform);
  }
}
