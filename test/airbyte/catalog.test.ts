import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { airbyteCatalog, parseConfiguredCatalog, singerCatalogFor } from "../../src/airbyte/catalog.js";
import { CatalogError, discoverCatalog, resolveSelection } from "../../src/catalog.js";
import { streamDefinitions } from "../../src/streams/registry.js";
import type { JsonValue } from "../../src/json.js";
import { assertAirbyteMessage, assertConfiguredCatalog } from "./protocol.js";

const silent = pino({ level: "silent" });
const catalog = airbyteCatalog(discoverCatalog(), streamDefinitions());
const byName = new Map(catalog.streams.map((s) => [s.name, s]));

/** A configured catalog as the platform writes it, from the discovered streams. */
function configuredCatalog(
  streams: Record<string, { sync_mode: "full_refresh" | "incremental"; cursor_field?: string[]; fields?: string[] }>,
): JsonValue {
  const value = {
    streams: Object.entries(streams).map(([name, options]) => {
      const stream = byName.get(name);
      if (!stream) throw new Error(`no stream ${name}`);
      const properties = stream.json_schema.properties as Record<string, JsonValue>;
      const json_schema = options.fields
        ? { ...stream.json_schema, properties: Object.fromEntries(options.fields.map((f) => [f, properties[f] ?? {}])) }
        : stream.json_schema;
      return {
        stream: { ...stream, json_schema },
        sync_mode: options.sync_mode,
        destination_sync_mode: "append",
        ...(options.cursor_field ? { cursor_field: options.cursor_field } : {}),
      };
    }),
  };
  assertConfiguredCatalog(value);
  return value as unknown as JsonValue;
}

describe("Airbyte CATALOG", () => {
  it("is a valid CATALOG message listing every stream of the tap", () => {
    assertAirbyteMessage({ type: "CATALOG", catalog });
    expect(catalog.streams.map((s) => s.name)).toEqual(streamDefinitions().map((d) => d.name));
  });

  it("declares primary keys and cursors that exist in each stream's json_schema", () => {
    for (const stream of catalog.streams) {
      const properties = Object.keys(stream.json_schema.properties as object);
      expect(stream.source_defined_primary_key.length, stream.name).toBeGreaterThan(0);
      for (const path of stream.source_defined_primary_key) expect(properties, stream.name).toContain(path[0]);
      for (const field of stream.default_cursor_field ?? []) expect(properties, stream.name).toContain(field);
    }
  });

  it("offers incremental with a source-defined cursor exactly where the stream replicates incrementally", () => {
    for (const definition of streamDefinitions()) {
      const stream = byName.get(definition.name);
      const incremental = definition.replicationMethods.includes("INCREMENTAL");
      expect(stream?.supported_sync_modes, definition.name).toEqual(
        incremental ? ["full_refresh", "incremental"] : ["full_refresh"],
      );
      expect(stream?.source_defined_cursor, definition.name).toBe(incremental);
      const key = definition.defaultReplicationKey ?? definition.validReplicationKeys[0];
      expect(stream?.default_cursor_field, definition.name).toEqual(
        incremental && key !== undefined ? [key] : undefined,
      );
    }
    expect(byName.get("reports")?.default_cursor_field).toEqual(["updated_at"]);
    // Incremental by parent: no cursor field of its own.
    expect(byName.get("queries")?.supported_sync_modes).toEqual(["full_refresh", "incremental"]);
    expect(byName.get("queries")?.default_cursor_field).toBeUndefined();
  });
});

describe("configured catalog", () => {
  it("selects the configured streams with the replication the sync mode asks for", () => {
    const configured = parseConfiguredCatalog(
      configuredCatalog({
        reports: { sync_mode: "incremental" },
        runs: { sync_mode: "incremental", cursor_field: ["created_at"] },
        spaces: { sync_mode: "full_refresh" },
        datasets: { sync_mode: "full_refresh" },
      }),
      "configured.json",
    );
    const selection = resolveSelection(singerCatalogFor(configured), silent);
    const summary = Object.fromEntries(
      selection.map((s) => [s.definition.name, [s.replicationMethod, s.replicationKey ?? null]]),
    );
    expect(summary).toEqual({
      spaces: ["FULL_TABLE", null],
      reports: ["INCREMENTAL", "updated_at"],
      runs: ["INCREMENTAL", "created_at"],
      datasets: ["FULL_TABLE", null],
    });
  });

  it("writes only the fields left in a stream's json_schema, plus its key and cursor", () => {
    const configured = parseConfiguredCatalog(
      configuredCatalog({ reports: { sync_mode: "incremental", fields: ["token", "name"] } }),
      "configured.json",
    );
    const [reports] = resolveSelection(singerCatalogFor(configured), silent);
    expect([...(reports?.selectedFields ?? [])].sort()).toEqual(["name", "token", "updated_at"]);
  });

  it("ignores a stream the tap does not have, with a warning", () => {
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(String(JSON.parse(line).msg)) });
    const configured = parseConfiguredCatalog(
      {
        streams: [
          {
            stream: { name: "nope", json_schema: {}, supported_sync_modes: ["full_refresh"] },
            sync_mode: "full_refresh",
            destination_sync_mode: "append",
          },
        ],
      },
      "c.json",
    );
    expect(resolveSelection(singerCatalogFor(configured), logger)).toEqual([]);
    expect(warnings).toEqual(["catalog: ignoring streams this tap does not have: nope"]);
  });

  it.each([
    [[], 'must hold a configured Airbyte catalog, {"streams": [...]}'],
    [{ streams: [{ sync_mode: "full_refresh" }] }, 'streams[0] has no "stream" object'],
    [{ streams: [{ stream: { json_schema: {} } }] }, "streams[0] has no stream name"],
    [{ streams: [{ stream: { name: "spaces" }, sync_mode: "cdc" }] }, 'streams[0] ("spaces") has sync_mode "cdc"'],
    [
      { streams: [{ stream: { name: "spaces" } }, { stream: { name: "spaces" } }] },
      'streams[1] repeats stream "spaces"',
    ],
    [
      { streams: [{ stream: { name: "runs" }, sync_mode: "incremental", cursor_field: "created_at" }] },
      'streams[0] ("runs") has a cursor_field that is not a list of strings',
    ],
  ])("rejects a malformed configured catalog with a CatalogError naming the entry (%#)", (value, message) => {
    const parse = (): unknown => parseConfiguredCatalog(value as JsonValue, "c.json");
    expect(parse).toThrow(CatalogError);
    expect(parse).toThrow(`c.json: ${message}`);
  });
});
