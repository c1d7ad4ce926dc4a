import { CatalogError } from "../catalog.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";
import type { Catalog, CatalogEntry, MetadataEntry, ReplicationMethodName } from "../singer/catalog-types.js";
import type { StreamDefinition } from "../streams/types.js";
import type { AirbyteCatalog, AirbyteStream, SyncMode } from "./messages.js";

/**
 * The CATALOG of `tap-mode airbyte discover`, built from the Singer catalog `--discover` prints, the way Airbyte's
 * base-singer converted one (docs/singer-notes.md §4.3): `stream` → `name`, `schema` → `json_schema`, key
 * properties → `source_defined_primary_key`. Every stream offers `full_refresh` (a read that ignores the stream's
 * bookmark); those that replicate incrementally also offer `incremental` with a source-defined cursor: the tap's
 * default key where the stream has one, and no default cursor field for child streams that are incremental by parent
 * (queries of changed reports, query runs of new runs), whose cursor is the parent's bookmark. `is_resumable` is left
 * out (false): a full-refresh stream restarts from the top on a new attempt.
 */
export function airbyteCatalog(singer: Catalog, definitions: readonly StreamDefinition[]): AirbyteCatalog {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  return {
    streams: singer.streams.map((entry): AirbyteStream => {
      const definition = byName.get(entry.tap_stream_id);
      const incremental = definition?.replicationMethods.includes("INCREMENTAL") === true;
      const cursor = definition === undefined ? undefined : defaultCursor(definition);
      return {
        name: entry.stream,
        json_schema: entry.schema as JsonObject,
        supported_sync_modes: incremental ? ["full_refresh", "incremental"] : ["full_refresh"],
        source_defined_cursor: incremental,
        ...(cursor === undefined ? {} : { default_cursor_field: [cursor] }),
        source_defined_primary_key: (definition?.keyProperties ?? entry.key_properties ?? []).map((key) => [key]),
      };
    }),
  };
}

function defaultCursor(definition: StreamDefinition): string | undefined {
  if (!definition.replicationMethods.includes("INCREMENTAL")) return undefined;
  return definition.defaultReplicationKey ?? definition.validReplicationKeys[0];
}

/** One stream of the configured catalog `airbyte read --catalog` receives (ConfiguredAirbyteStream). */
export interface ConfiguredStream {
  readonly name: string;
  readonly jsonSchema: JsonObject;
  readonly syncMode: SyncMode;
  readonly cursorField: readonly string[];
}

/**
 * Reads a ConfiguredAirbyteCatalog: `{"streams": [{"stream": {name, json_schema, …}, "sync_mode", "cursor_field"?,
 * …}]}`. Throws CatalogError (a config error) naming the file and the entry.
 */
export function parseConfiguredCatalog(value: JsonValue, label: string): ConfiguredStream[] {
  if (!isJsonObject(value) || !Array.isArray(value.streams))
    throw new CatalogError(`${label}: must hold a configured Airbyte catalog, {"streams": [...]}`);
  const seen = new Set<string>();
  return value.streams.map((item, index): ConfiguredStream => {
    const at = `${label}: streams[${index}]`;
    if (!isJsonObject(item) || !isJsonObject(item.stream)) throw new CatalogError(`${at} has no "stream" object`);
    const name = item.stream.name;
    if (typeof name !== "string" || name === "") throw new CatalogError(`${at} has no stream name`);
    if (seen.has(name)) throw new CatalogError(`${at} repeats stream "${name}"`);
    seen.add(name);
    // sync_mode defaults to full_refresh in the protocol (ConfiguredAirbyteStream).
    const syncMode = item.sync_mode ?? "full_refresh";
    if (syncMode !== "full_refresh" && syncMode !== "incremental")
      throw new CatalogError(
        `${at} ("${name}") has sync_mode ${JSON.stringify(syncMode)}; expected full_refresh or incremental`,
      );
    const cursor = item.cursor_field ?? [];
    if (!Array.isArray(cursor) || !cursor.every((segment) => typeof segment === "string"))
      throw new CatalogError(`${at} ("${name}") has a cursor_field that is not a list of strings`);
    const schema = item.stream.json_schema;
    return { name, jsonSchema: isJsonObject(schema) ? schema : {}, syncMode, cursorField: cursor as string[] };
  });
}

/**
 * The Singer catalog a configured Airbyte catalog stands for, as base-singer wrote it (docs/singer-notes.md §4.3):
 * every listed stream `selected: true`, `replication-method` (and `forced-replication-method`) INCREMENTAL or
 * FULL_TABLE from `sync_mode`, `replication-key` from `cursor_field[0]`, and every field of its `json_schema` selected.
 * A field the user deselected in Airbyte is absent from that schema, and the selection then leaves it out of the
 * records.
 */
export function singerCatalogFor(streams: readonly ConfiguredStream[]): Catalog {
  return {
    streams: streams.map((stream): CatalogEntry => {
      const method: ReplicationMethodName = stream.syncMode === "incremental" ? "INCREMENTAL" : "FULL_TABLE";
      const key = stream.syncMode === "incremental" ? stream.cursorField[0] : undefined;
      const properties = isJsonObject(stream.jsonSchema.properties) ? Object.keys(stream.jsonSchema.properties) : [];
      const metadata: MetadataEntry[] = [
        {
          breadcrumb: [],
          metadata: {
            selected: true,
            "replication-method": method,
            "forced-replication-method": method,
            ...(key === undefined ? {} : { "replication-key": key }),
          },
        },
        ...properties.map((field): MetadataEntry => ({
          breadcrumb: ["properties", field],
          metadata: { selected: true },
        })),
      ];
      return {
        tap_stream_id: stream.name,
        stream: stream.name,
        schema: { ...stream.jsonSchema, selected: true },
        metadata,
      };
    }),
  };
}
