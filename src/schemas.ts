import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type Format, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { packageRoot } from "./package-info.js";
import type { JsonSchema } from "./singer/catalog-types.js";
import { streamDefinitions } from "./streams/registry.js";

export type { JsonSchema } from "./singer/catalog-types.js";

/** The stream schemas of the tap: loaded, shared pieces inlined, each compiled once by ajv when first needed. */
export interface SchemaRegistry {
  /** Stream names that have a schema, in registry order. */
  readonly streams: readonly string[];
  /** The inlined (no `$ref`), frozen schema of `stream`; throws for an unknown stream. */
  schema(stream: string): JsonSchema;
  /** The compiled ajv validator of `stream` (compiled on first use, then reused). */
  validator(stream: string): ValidateFunction;
}

export interface SchemaRegistryOptions {
  /** Package root holding schemas/; defaults to the nearest ancestor of this module with package.json. */
  readonly root?: string;
  /** Streams to load; defaults to every registered stream. */
  readonly streams?: readonly string[];
}

/** A schema file that cannot be read, parsed or inlined. Names the file. */
export class SchemaLoadError extends Error {
  override readonly name = "SchemaLoadError";
}

/**
 * Loads schemas/<stream>.json for every stream. Shared pieces live in schemas/shared/ and are referenced as
 * `{"$ref": "shared/<name>.json", …siblings}`; the reference is replaced by the shared schema with the siblings
 * merged over it (`properties` merged key by key, `required` united, any other keyword replaced). Singer forbids `$ref`
 * in a SCHEMA message (DISCOVERY_MODE.md "Schemas"; docs/singer-notes.md §1.4), so none survives loading.
 */
export function loadSchemaRegistry(options: SchemaRegistryOptions = {}): SchemaRegistry {
  const root = options.root ?? packageRoot();
  const streams = options.streams ?? streamDefinitions().map((definition) => definition.name);
  const dir = join(root, "schemas");
  const shared = new Map<string, JsonSchema>();
  const schemas = new Map<string, JsonSchema>();
  for (const stream of streams) {
    const file = `${stream}.json`;
    schemas.set(stream, inline(readSchemaFile(dir, file), dir, file, shared, []));
  }
  return schemaRegistryOf(schemas);
}

/**
 * A registry of schemas already in memory (no `$ref`): what loadSchemaRegistry builds from schemas/, and what a caller
 * bringing streams of its own (a test) passes to the sync.
 */
export function schemaRegistryOf(source: ReadonlyMap<string, JsonSchema>): SchemaRegistry {
  const schemas = new Map([...source].map(([stream, schema]) => [stream, deepFreeze(schema)] as const));
  // One ajv instance per registry; strict mode turns any schema mistake into a compile error the conformance test sees.
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  addFormats.default(ajv, ["date-time", "date", "uri", "email"]);
  ajv.addFormat("date-time", fastDateTime(addFormats.default.get("date-time")));
  const validators = new Map<string, ValidateFunction>();

  const schemaOf = (stream: string): JsonSchema => {
    const schema = schemas.get(stream);
    if (schema === undefined) throw new SchemaLoadError(`no schema for stream "${stream}"`);
    return schema;
  };
  return {
    streams: [...schemas.keys()],
    schema: schemaOf,
    validator(stream) {
      let validate = validators.get(stream);
      if (validate === undefined) {
        validate = ajv.compile(schemaOf(stream));
        validators.set(stream, validate);
      }
      return validate;
    },
  };
}

// Canonical form with a day any month has: the form records take after normalisation (src/records/timestamps.ts).
const PLAIN_CANONICAL = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

// ajv-formats' RFC 3339 date-time check, answered by one regular expression for the canonical form almost every
// record carries; anything else (day 29-31, leap seconds, offsets) still goes through the full check. Validation runs
// per record, and the full check of ten timestamps was half the cost of processing a report.
function fastDateTime(full: Format): (value: string) => boolean {
  const slow = formatCheck(full);
  return (value) => PLAIN_CANONICAL.test(value) || slow(value);
}

function formatCheck(format: Format): (value: string) => boolean {
  if (format instanceof RegExp) return (value) => format.test(value);
  if (typeof format === "function") return (value) => Boolean(format(value));
  if (typeof format === "object" && format.async !== true) {
    const { validate } = format;
    if (validate instanceof RegExp) return (value) => validate.test(value);
    if (typeof validate === "function") return (value) => Boolean((validate as (data: string) => boolean)(value));
  }
  throw new SchemaLoadError("ajv-formats has no synchronous date-time check");
}

function readSchemaFile(dir: string, file: string): JsonSchema {
  let text: string;
  try {
    text = readFileSync(join(dir, file), "utf8");
  } catch (error) {
    throw new SchemaLoadError(`schemas/${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SchemaLoadError(`schemas/${file}: is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(value)) throw new SchemaLoadError(`schemas/${file}: must hold a JSON object`);
  return value as JsonSchema;
}

const SHARED_REF = /^shared\/[a-z0-9-]+\.json$/;

// Replaces every `$ref` to a shared piece, recursively (a shared piece may refer to another).
function inline(
  node: unknown,
  dir: string,
  file: string,
  shared: Map<string, JsonSchema>,
  chain: readonly string[],
): JsonSchema {
  if (Array.isArray(node))
    return node.map((item: unknown) => inlineValue(item, dir, file, shared, chain)) as unknown as JsonSchema;
  if (!isPlainObject(node)) return node as JsonSchema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== "$ref") out[key] = inlineValue(value, dir, file, shared, chain);
  }
  const ref = node.$ref;
  if (ref === undefined) return out as JsonSchema;
  if (typeof ref !== "string" || !SHARED_REF.test(ref)) {
    throw new SchemaLoadError(
      `schemas/${file}: unsupported $ref ${JSON.stringify(ref)} (only "shared/<name>.json" is inlined)`,
    );
  }
  if (chain.includes(ref)) throw new SchemaLoadError(`schemas/${file}: circular $ref ${[...chain, ref].join(" -> ")}`);
  let target = shared.get(ref);
  if (target === undefined) {
    target = inline(readSchemaFile(dir, ref), dir, ref, shared, [...chain, ref]);
    shared.set(ref, target);
  }
  return mergeSchema(target, out as JsonSchema);
}

function inlineValue(
  value: unknown,
  dir: string,
  file: string,
  shared: Map<string, JsonSchema>,
  chain: readonly string[],
): unknown {
  return typeof value === "object" && value !== null ? inline(value, dir, file, shared, chain) : value;
}

// `base` with `over` merged on top: properties key by key, required united, other keywords replaced.
function mergeSchema(base: JsonSchema, over: JsonSchema): JsonSchema {
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(over)) {
    if (key === "properties" && isPlainObject(out.properties) && isPlainObject(value)) {
      out.properties = { ...out.properties, ...value };
    } else if (key === "required" && Array.isArray(out.required) && Array.isArray(value)) {
      out.required = [...new Set([...(out.required as unknown[]), ...(value as unknown[])])];
    } else {
      out[key] = value;
    }
  }
  return out as JsonSchema;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
