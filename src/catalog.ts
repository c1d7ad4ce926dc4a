import { InputError } from "./errors.js";
import type { Logger } from "./log.js";
import { loadSchemaRegistry, type SchemaRegistry } from "./schemas.js";
import type { Catalog, CatalogEntry, JsonSchema, MetadataEntry, MetadataValues } from "./singer/catalog-types.js";
import { streamDefinitions } from "./streams/registry.js";
import type { ReplicationMethod, StreamDefinition } from "./streams/types.js";

/** A catalog file that cannot be used. One line naming the file and the problem; exit code 2 (src/errors.ts). */
export class CatalogError extends InputError {
  override readonly name = "CatalogError";
}

/** A stream to sync, as the catalog (or the defaults) asks for it. */
export interface SelectedStream {
  readonly definition: StreamDefinition;
  /** The schema for the SCHEMA message: the catalog's (or the tap's), narrowed to the selected fields. */
  readonly schema: JsonSchema;
  /** Top-level fields to write; always includes key properties and replication keys. */
  readonly selectedFields: ReadonlySet<string>;
  readonly replicationMethod: ReplicationMethod;
  /** Set when replicationMethod is INCREMENTAL. */
  readonly replicationKey?: string;
}

export interface CatalogOptions {
  readonly schemas?: SchemaRegistry;
  readonly definitions?: readonly StreamDefinition[];
}

/**
 * The catalog `--discover` prints. It needs no API call: every stream and schema is static. Metadata as the Meltano SDK
 * writes it (docs/singer-notes.md §3.9): at the stream level `inclusion`, `selected-by-default`,
 * `table-key-properties`, `valid-replication-keys`, `forced-replication-method` when a single method works,
 * `replication-key` when a single key is valid, `parent-tap-stream-id` for child streams; per top-level field
 * `inclusion` (automatic for key properties and replication keys) and `selected-by-default`. Each entry also carries
 * the legacy top-level `key_properties`, `replication_method` and `replication_key` (singer-python style).
 */
export function discoverCatalog(options: CatalogOptions = {}): Catalog {
  const definitions = options.definitions ?? streamDefinitions();
  const schemas = options.schemas ?? loadSchemaRegistry({ streams: definitions.map((d) => d.name) });
  return { streams: definitions.map((definition) => catalogEntry(definition, schemas.schema(definition.name))) };
}

function catalogEntry(definition: StreamDefinition, schema: JsonSchema): CatalogEntry {
  const method = defaultMethod(definition);
  const key = method === "INCREMENTAL" ? defaultKey(definition) : undefined;
  const automatic = automaticFields(definition);
  const root: Record<string, unknown> = {
    inclusion: "available",
    "selected-by-default": definition.selectedByDefault,
    "table-key-properties": [...definition.keyProperties],
    "valid-replication-keys": [...definition.validReplicationKeys],
  };
  if (definition.replicationMethods.length === 1) root["forced-replication-method"] = definition.replicationMethods[0];
  if (definition.validReplicationKeys.length === 1) root["replication-key"] = definition.validReplicationKeys[0];
  if (definition.parent !== undefined) root["parent-tap-stream-id"] = definition.parent;
  const metadata: MetadataEntry[] = [{ breadcrumb: [], metadata: root as MetadataValues }];
  for (const field of Object.keys(schema.properties ?? {})) {
    metadata.push({
      breadcrumb: ["properties", field],
      metadata: { inclusion: automatic.has(field) ? "automatic" : "available", "selected-by-default": true },
    });
  }
  return {
    tap_stream_id: definition.name,
    stream: definition.name,
    key_properties: [...definition.keyProperties],
    replication_method: method,
    ...(key === undefined ? {} : { replication_key: key }),
    schema,
    metadata,
  };
}

/** The catalog as `--discover` prints it and catalogs/catalog.json holds it: 2-space JSON and a trailing newline. */
export function formatCatalog(catalog: Catalog): string {
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

/**
 * Checks the shape of a catalog read from `--catalog`/`--properties`: text (parsed here) or an already parsed value.
 * Throws CatalogError with one line such as `catalog.json: streams[3] has no tap_stream_id`. An entry without `stream`
 * gets its tap_stream_id.
 */
export function parseCatalog(json: unknown, fileLabel: string): Catalog {
  let value = json;
  if (typeof json === "string") {
    if (json.trim() === "")
      throw new CatalogError(`${fileLabel}: is empty (expected a JSON object with a "streams" array)`);
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new CatalogError(`${fileLabel}: is not valid JSON (${(error as Error).message.split("\n")[0]})`);
    }
  }
  if (!isObject(value))
    throw new CatalogError(`${fileLabel}: must hold a JSON object with a "streams" array, found ${kindOf(value)}`);
  if (!Array.isArray(value.streams)) throw new CatalogError(`${fileLabel}: has no "streams" array`);
  const seen = new Map<string, number>();
  const streams = value.streams.map((entry: unknown, index: number): CatalogEntry => {
    const at = `${fileLabel}: streams[${index}]`;
    if (!isObject(entry)) throw new CatalogError(`${at} is not an object (found ${kindOf(entry)})`);
    const id = entry.tap_stream_id;
    if (typeof id !== "string" || id === "") throw new CatalogError(`${at} has no tap_stream_id`);
    const named = `${at} ("${id}")`;
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new CatalogError(`${named} repeats the tap_stream_id of streams[${earlier}]`);
    seen.set(id, index);
    if (entry.stream !== undefined && typeof entry.stream !== "string")
      throw new CatalogError(`${named} has a "stream" that is not a string`);
    if (!isObject(entry.schema)) throw new CatalogError(`${named} has no schema object`);
    if (entry.schema.properties !== undefined && !isObject(entry.schema.properties))
      throw new CatalogError(`${named} has a schema whose "properties" is not an object`);
    if (entry.metadata !== undefined) {
      if (!Array.isArray(entry.metadata)) throw new CatalogError(`${named} has a "metadata" that is not an array`);
      entry.metadata.forEach((item: unknown, m: number) => {
        if (!isObject(item)) throw new CatalogError(`${named} metadata[${m}] is not an object`);
        if (!Array.isArray(item.breadcrumb) || !item.breadcrumb.every((segment) => typeof segment === "string")) {
          throw new CatalogError(`${named} metadata[${m}] has no breadcrumb array of strings`);
        }
        if (!isObject(item.metadata)) throw new CatalogError(`${named} metadata[${m}] has no "metadata" object`);
      });
    }
    if (entry.key_properties !== undefined && !isStringArray(entry.key_properties)) {
      throw new CatalogError(`${named} has "key_properties" that are not an array of strings`);
    }
    return { ...entry, stream: typeof entry.stream === "string" ? entry.stream : id } as CatalogEntry;
  });
  return { streams };
}

/**
 * The streams to sync, parents first, with their fields and replication settings (Singer SYNC_MODE.md "Stream/Field
 * Selection", docs/singer-notes.md §1.4, §3.9):
 * - Without a catalog, streams with selected-by-default, every field.
 * - With one: streams missing from it are deselected and unknown ids draw one warning. A stream is selected by its
 *   root `selected` metadata (booleans or the strings "true"/"false"), else the legacy `schema.selected`, else its
 *   `selected-by-default`; `inclusion: unsupported` never. Fields likewise, from their breadcrumb metadata or legacy
 *   `schema.properties.<f>.selected`, defaulting to selected; key properties and replication keys always (automatic);
 *   a field missing from the catalog's schema is not written.
 * - `replication-method` / `replication-key` metadata (or the legacy top-level keys) choose the method and key when the
 *   stream supports them; otherwise a warning and the default.
 */
export function resolveSelection(
  catalog: Catalog | undefined,
  logger: Logger,
  options: CatalogOptions = {},
): SelectedStream[] {
  const definitions = options.definitions ?? streamDefinitions();
  const schemas = options.schemas ?? loadSchemaRegistry({ streams: definitions.map((d) => d.name) });
  const selected: SelectedStream[] = [];

  if (catalog === undefined) {
    for (const definition of definitions) {
      if (!definition.selectedByDefault) continue;
      const schema = schemas.schema(definition.name);
      const method = defaultMethod(definition);
      selected.push(
        selectedStream(
          definition,
          schema,
          new Set(Object.keys(schema.properties ?? {})),
          method,
          method === "INCREMENTAL" ? defaultKey(definition) : undefined,
        ),
      );
    }
    logSummary(logger, selected, definitions, new Set());
    return selected;
  }

  const known = new Set(definitions.map((d) => d.name));
  const unknown = catalog.streams.map((entry) => entry.tap_stream_id).filter((id) => !known.has(id));
  if (unknown.length > 0) logger.warn(`catalog: ignoring streams this tap does not have: ${unknown.join(", ")}`);
  const entries = new Map(catalog.streams.map((entry) => [entry.tap_stream_id, entry]));
  const missing = new Set<string>();

  for (const definition of definitions) {
    const entry = entries.get(definition.name);
    if (entry === undefined) {
      missing.add(definition.name);
      continue;
    }
    const rootMeta = metadataAt(entry, []);
    if (!isStreamSelected(definition, entry, rootMeta)) continue;
    const tapSchema = schemas.schema(definition.name);
    const schema = isObject(entry.schema) ? entry.schema : tapSchema;
    const fields = selectFields(definition, entry, tapSchema, schema);
    const { method, key } = chooseReplication(definition, entry, rootMeta, logger);
    selected.push(selectedStream(definition, schema, fields, method, key));
  }
  logSummary(logger, selected, definitions, missing);
  return selected;
}

function isStreamSelected(definition: StreamDefinition, entry: CatalogEntry, rootMeta: MetadataValues): boolean {
  if (rootMeta.inclusion === "unsupported") return false;
  return (
    selectedFlag(rootMeta.selected) ??
    selectedFlag(entry.schema.selected) ??
    selectedFlag(rootMeta["selected-by-default"]) ??
    definition.selectedByDefault
  );
}

function selectFields(
  definition: StreamDefinition,
  entry: CatalogEntry,
  tapSchema: JsonSchema,
  schema: JsonSchema,
): Set<string> {
  const automatic = automaticFields(definition);
  // A catalog schema without properties (e.g. `{}`, the broadest schema) does not restrict fields.
  const catalogProperties = isObject(schema.properties) ? schema.properties : undefined;
  const fieldMeta = new Map<string, MetadataValues>();
  for (const item of entry.metadata ?? []) {
    if (item.breadcrumb.length === 2 && item.breadcrumb[0] === "properties")
      fieldMeta.set(item.breadcrumb[1] as string, item.metadata);
  }
  const fields = new Set<string>();
  for (const field of Object.keys(tapSchema.properties ?? {})) {
    if (automatic.has(field)) {
      fields.add(field);
      continue;
    }
    const property = catalogProperties?.[field];
    if (catalogProperties !== undefined && property === undefined) continue;
    const meta = fieldMeta.get(field) ?? {};
    if (meta.inclusion === "unsupported") continue;
    if (meta.inclusion === "automatic") {
      fields.add(field);
      continue;
    }
    const legacy = isObject(property) ? property.selected : undefined;
    if (selectedFlag(meta.selected) ?? selectedFlag(legacy) ?? selectedFlag(meta["selected-by-default"]) ?? true)
      fields.add(field);
  }
  return fields;
}

function chooseReplication(
  definition: StreamDefinition,
  entry: CatalogEntry,
  rootMeta: MetadataValues,
  logger: Logger,
): { method: ReplicationMethod; key?: string } {
  const requested = rootMeta["replication-method"] ?? entry.replication_method;
  let method = defaultMethod(definition);
  if (requested !== undefined) {
    if ((definition.replicationMethods as readonly unknown[]).includes(requested))
      method = requested as ReplicationMethod;
    else
      logger.warn(
        `catalog: stream ${definition.name} cannot use replication method ${JSON.stringify(requested)}; ` +
          `using ${method} (supported: ${definition.replicationMethods.join(", ")})`,
      );
  }
  if (method !== "INCREMENTAL") return { method };
  const requestedKey = rootMeta["replication-key"] ?? entry.replication_key;
  let key = defaultKey(definition);
  if (requestedKey !== undefined) {
    if ((definition.validReplicationKeys as readonly unknown[]).includes(requestedKey)) key = requestedKey as string;
    else
      logger.warn(
        `catalog: stream ${definition.name} cannot use replication key ${JSON.stringify(requestedKey)}; ` +
          `using ${String(key)} (valid: ${definition.validReplicationKeys.join(", ")})`,
      );
  }
  return key === undefined ? { method } : { method, key };
}

function selectedStream(
  definition: StreamDefinition,
  schema: JsonSchema,
  fields: Set<string>,
  method: ReplicationMethod,
  key: string | undefined,
): SelectedStream {
  if (key !== undefined) fields.add(key);
  const narrowed = narrowSchema(schema, fields);
  return key === undefined
    ? { definition, schema: narrowed, selectedFields: fields, replicationMethod: method }
    : { definition, schema: narrowed, selectedFields: fields, replicationMethod: method, replicationKey: key };
}

// The schema with only the selected properties, so the SCHEMA message describes exactly what records carry.
function narrowSchema(schema: JsonSchema, fields: ReadonlySet<string>): JsonSchema {
  if (!isObject(schema.properties)) return schema;
  const properties = Object.fromEntries(Object.entries(schema.properties).filter(([field]) => fields.has(field)));
  if (Object.keys(properties).length === Object.keys(schema.properties).length) return schema;
  const narrowed: Record<string, unknown> = { ...schema, properties };
  if (Array.isArray(schema.required)) narrowed.required = schema.required.filter((field) => fields.has(field));
  return narrowed as JsonSchema;
}

function logSummary(
  logger: Logger,
  selected: readonly SelectedStream[],
  definitions: readonly StreamDefinition[],
  missing: ReadonlySet<string>,
): void {
  const chosen = new Set(selected.map((s) => s.definition.name));
  const skipped = definitions
    .filter((d) => !chosen.has(d.name))
    .map((d) => `${d.name} (${missing.has(d.name) ? "not in the catalog" : "not selected"})`);
  logger.info(
    `selected streams: ${selected.map((s) => s.definition.name).join(", ") || "none"}` +
      `${skipped.length > 0 ? `; skipped: ${skipped.join(", ")}` : ""}`,
  );
}

function metadataAt(entry: CatalogEntry, breadcrumb: readonly string[]): MetadataValues {
  const found = (entry.metadata ?? []).find(
    (item) => item.breadcrumb.length === breadcrumb.length && item.breadcrumb.every((s, i) => s === breadcrumb[i]),
  );
  return found?.metadata ?? {};
}

// true/false, the strings "true"/"false" (SYNC_MODE.md example), or undefined for anything else.
function selectedFlag(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

function automaticFields(definition: StreamDefinition): ReadonlySet<string> {
  return new Set([...definition.keyProperties, ...definition.validReplicationKeys]);
}

function defaultMethod(definition: StreamDefinition): ReplicationMethod {
  return definition.replicationMethods[0] ?? "FULL_TABLE";
}

function defaultKey(definition: StreamDefinition): string | undefined {
  return definition.defaultReplicationKey ?? definition.validReplicationKeys[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
