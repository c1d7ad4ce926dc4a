/**
 * Singer catalog shapes (Singer DISCOVERY_MODE.md "The Catalog", SYNC_MODE.md; docs/singer-notes.md §1.4) plus the
 * legacy top-level `key_properties` / `replication_key` / `replication_method` that singer-python and the Meltano SDK
 * write on each entry (docs/singer-notes.md §3.9).
 */

/** A JSON Schema as the tap ships it: the subset Draft 4, Draft 7 and 2020-12 all read (docs/singer-notes.md §8.2). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly [keyword: string]: unknown;
}

export type ReplicationMethodName = "FULL_TABLE" | "INCREMENTAL" | "LOG_BASED";

/** `[]` for the stream, `["properties", field]` for a top-level field. */
export type Breadcrumb = readonly string[];

/** Metadata keywords (DISCOVERY_MODE.md table); others are kept as found. */
export interface MetadataValues {
  readonly inclusion?: "available" | "automatic" | "unsupported";
  readonly "selected-by-default"?: boolean;
  /** Written by users/orchestrators; the SYNC_MODE.md example spells it as the strings "true"/"false". */
  readonly selected?: boolean | "true" | "false";
  readonly "table-key-properties"?: readonly string[];
  readonly "valid-replication-keys"?: readonly string[];
  readonly "forced-replication-method"?: ReplicationMethodName;
  readonly "replication-method"?: ReplicationMethodName;
  readonly "replication-key"?: string;
  readonly "parent-tap-stream-id"?: string;
  readonly [keyword: string]: unknown;
}

export interface MetadataEntry {
  readonly breadcrumb: Breadcrumb;
  readonly metadata: MetadataValues;
}

export interface CatalogEntry {
  readonly tap_stream_id: string;
  readonly stream: string;
  readonly key_properties?: readonly string[];
  readonly replication_method?: ReplicationMethodName;
  readonly replication_key?: string;
  readonly schema: JsonSchema;
  readonly metadata?: readonly MetadataEntry[];
  readonly [key: string]: unknown;
}

export interface Catalog {
  readonly streams: readonly CatalogEntry[];
}
