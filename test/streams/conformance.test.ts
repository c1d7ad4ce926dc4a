import { describe, expect, it } from "vitest";
import { discoverCatalog } from "../../src/catalog.js";
import { createRecordProcessor } from "../../src/records/processor.js";
import { loadSchemaRegistry } from "../../src/schemas.js";
import type { JsonSchema } from "../../src/singer/catalog-types.js";
import { findStream, streamDefinitions } from "../../src/streams/registry.js";
import type { StreamDefinition } from "../../src/streams/types.js";
import { captureLogger } from "../records/log-capture.js";
import { recordFixture } from "./fixtures.js";

/**
 * The conformance suite, generated for every stream (docs/house-style.md §9; Meltano SDK `tap_tests.py`, Faros
 * `sourceSchemaTest`): schema, keys, metadata, fixtures.
 */
const definitions = streamDefinitions();
const schemas = loadSchemaRegistry();
const catalog = discoverCatalog({ schemas, definitions });
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function types(schema: JsonSchema | undefined): string[] {
  if (schema === undefined) return [];
  return typeof schema.type === "string"
    ? [schema.type]
    : Array.isArray(schema.type)
      ? [...(schema.type as string[])]
      : [];
}

function walk(schema: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(schema)) schema.forEach((item) => walk(item, visit));
  else if (typeof schema === "object" && schema !== null) {
    visit(schema as Record<string, unknown>);
    Object.values(schema).forEach((value) => walk(value, visit));
  }
}

/**
 * Context keys a stream's path can use: workspace plus what every ancestor's childContext adds for a fixture record.
 */
function availableContext(definition: StreamDefinition): Set<string> {
  const keys = new Set(["workspace"]);
  let parentName = definition.parent;
  while (parentName !== undefined) {
    const parent = findStream(parentName, definitions);
    if (parent === undefined) throw new Error(`unknown parent ${parentName}`);
    const item = recordFixture(parent.name).items[0] ?? {};
    for (const key of Object.keys(parent.childContext?.(item) ?? {})) keys.add(key);
    parentName = parent.parent;
  }
  return keys;
}

describe.each(definitions.map((d) => [d.name, d] as const))("stream %s", (name, definition) => {
  const schema = schemas.schema(name);
  const properties = schema.properties ?? {};
  const entry = catalog.streams.find((s) => s.tap_stream_id === name);

  it("has a schema that ajv compiles in strict mode, with no $ref left", () => {
    expect(() => schemas.validator(name)).not.toThrow();
    expect(JSON.stringify(schema)).not.toContain("$ref");
    expect(schema.type).toBe("object");
    expect(Object.keys(properties).length).toBeGreaterThan(1);
  });

  it("declares its key properties as required, non-null properties", () => {
    expect(definition.keyProperties.length).toBeGreaterThan(0);
    for (const key of definition.keyProperties) {
      expect(properties, `key ${key}`).toHaveProperty([key]);
      expect(types(properties[key]), `key ${key}`).not.toContain("null");
      expect(schema.required).toContain(key);
    }
  });

  it("declares its replication keys as date-time properties", () => {
    for (const key of definition.validReplicationKeys) {
      expect(properties, `replication key ${key}`).toHaveProperty([key]);
      expect(properties[key]?.format).toBe("date-time");
    }
    if (definition.defaultReplicationKey !== undefined)
      expect(definition.validReplicationKeys).toContain(definition.defaultReplicationKey);
    // INCREMENTAL needs a replication key, except for child streams that are incremental by parent: re-read only
    // when their parent changed (queries of a changed report, query runs of a new run).
    if (definition.validReplicationKeys.length > 0) expect(definition.replicationMethods).toContain("INCREMENTAL");
    if (definition.replicationMethods.includes("INCREMENTAL") && definition.validReplicationKeys.length === 0)
      expect(definition.parent).toBeDefined();
  });

  it("makes every other field nullable and never closes the schema", () => {
    for (const [field, property] of Object.entries(properties)) {
      if (definition.keyProperties.includes(field)) continue;
      expect(types(property), `field ${field}`).toContain("null");
    }
    walk(schema, (node) => expect(node.additionalProperties).not.toBe(false));
  });

  it("declares the fields it fills from the context, and its path uses only known context", () => {
    for (const [field, contextKey] of Object.entries(definition.contextFields)) {
      expect(properties, `context field ${field}`).toHaveProperty([field]);
      expect(availableContext(definition), `context key ${contextKey}`).toContain(contextKey);
    }
    if (definition.path === null) {
      // Only streams with no endpoint of their own: report results rows, and records derived from another stream's.
      expect(["results", "derived"]).toContain(definition.walk);
      return;
    }
    const placeholders = [...definition.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const available = availableContext(definition);
    for (const placeholder of placeholders) expect(available, `path ${definition.path}`).toContain(placeholder);
    if (definition.kind === "list") expect(definition.embeddedKey).toBeTruthy();
    if (definition.parent !== undefined)
      expect(definitions.findIndex((d) => d.name === definition.parent)).toBeLessThan(definitions.indexOf(definition));
  });

  it("has complete catalog metadata", () => {
    expect(entry).toBeDefined();
    const metadata = entry?.metadata ?? [];
    const root = metadata.find((m) => m.breadcrumb.length === 0)?.metadata;
    expect(root).toMatchObject({
      inclusion: "available",
      "selected-by-default": definition.selectedByDefault,
      "table-key-properties": definition.keyProperties,
      "valid-replication-keys": definition.validReplicationKeys,
    });
    expect(root?.["forced-replication-method"]).toBe(
      definition.replicationMethods.length === 1 ? definition.replicationMethods[0] : undefined,
    );
    expect(root?.["parent-tap-stream-id"]).toBe(definition.parent);
    expect(entry?.key_properties).toEqual(definition.keyProperties);
    expect(entry?.replication_method).toBe(definition.replicationMethods[0]);
    for (const field of Object.keys(properties)) {
      const fieldMeta = metadata.find((m) => m.breadcrumb[0] === "properties" && m.breadcrumb[1] === field)?.metadata;
      const automatic = definition.keyProperties.includes(field) || definition.validReplicationKeys.includes(field);
      expect(fieldMeta, `field ${field}`).toEqual({
        inclusion: automatic ? "automatic" : "available",
        "selected-by-default": true,
      });
    }
  });

  it("turns every fixture item into a valid record with no schema drift", () => {
    const fixture = recordFixture(name);
    expect(fixture.items.length).toBeGreaterThanOrEqual(2);
    const { logger, warnings } = captureLogger();
    const processor = createRecordProcessor({ schemas, logger, definitions });
    for (const item of fixture.items) {
      const record = processor.process(definition, item, fixture.context);
      expect(record).not.toBeNull();
      for (const key of definition.keyProperties) expect(record?.[key], `key ${key}`).toBeDefined();
      for (const dropped of ["_links", "_forms", "_embedded", "web_preview_image", "flamingo_signature"])
        expect(record).not.toHaveProperty([dropped]);
      for (const [field, contextKey] of Object.entries(definition.contextFields)) {
        if (fixture.context[contextKey] !== undefined) expect(record?.[field]).toBe(fixture.context[contextKey]);
      }
      for (const [field, property] of Object.entries(properties)) {
        const value = record?.[field];
        if (value === undefined || value === null) continue;
        if (property.format === "date-time") expect(value, `timestamp ${field}`).toMatch(CANONICAL_TIME);
        if (field === "id" || field.endsWith("_id")) expect(typeof value, `id ${field}`).toBe("string");
      }
    }
    expect(warnings()).toEqual([]);
  });

  it("has fixtures with both integer (pre-2025) and string ids when the stream has ids", () => {
    const idField = ["id", "member_id"].find((f) => f in properties && !definition.keyProperties.includes(f));
    if (idField === undefined) return;
    const kinds = new Set(recordFixture(name).items.map((item) => typeof item[idField]));
    expect(kinds).toContain("number");
    expect(kinds).toContain("string");
  });
});

it("lists every stream once, each with a schema file and a fixture", () => {
  const names = definitions.map((d) => d.name);
  expect(new Set(names).size).toBe(names.length);
  expect(schemas.streams).toEqual(names);
  for (const name of names) expect(recordFixture(name).items.length).toBeGreaterThan(0);
});
