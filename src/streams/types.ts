/**
 * The contract between stream definitions (data, one file per stream; house style practice 1) and the generic sync
 * engine that executes them.
 */

/** Path parameters and parent tokens known when a stream is read, e.g. { workspace, space, report }. */
export type StreamContext = Readonly<Record<string, string>>;

export type ReplicationMethod = "FULL_TABLE" | "INCREMENTAL";

/** One Mode stream, declared as data. */
export interface StreamDefinition {
  readonly name: string; // tap_stream_id == stream
  readonly path: string | null; // template, e.g. "/{workspace}/spaces/{space}/reports"; null for query_results
  readonly kind: "list" | "object" | "results"; // list endpoint, single-object endpoint (workspaces), or results rows
  readonly embeddedKey?: string; // "_embedded" key for list endpoints
  readonly paged: boolean; // the endpoint pages (page/per_page) vs returns all at once
  readonly perPage?: number; // per_page to ask for (largest honoured), e.g. runs 100
  readonly cursor?: "page" | "next_token"; // audit_logs uses next_token
  readonly keyProperties: readonly string[];
  readonly validReplicationKeys: readonly string[]; // [] for full table
  readonly replicationMethods: readonly ReplicationMethod[]; // e.g. ["INCREMENTAL","FULL_TABLE"] or ["FULL_TABLE"]
  readonly defaultReplicationKey?: string;
  readonly parent?: string; // parent stream name ("reports" for queries)
  /** Record fields filled from the context: e.g. { space_token: "space" } for reports. */
  readonly contextFields: Readonly<Record<string, string>>;
  /** Context for children of one record of this stream, e.g. reports -> { report: record.token }. */
  readonly childContext?: (record: Readonly<Record<string, unknown>>) => Record<string, string>;
  readonly query?: (config: StreamQueryConfig) => Record<string, string>; // e.g. spaces: { filter: "all" }
  readonly tolerate?: readonly number[]; // statuses that skip the stream/partition with a warning (403 for admin-only)
  readonly selectedByDefault: boolean;
  readonly description: string; // one line, for README/--about
  readonly transform?: (raw: Readonly<Record<string, unknown>>) => Record<string, unknown>; // escape hatch
  /**
   * Which Mode API serves `path`: the REST API below `base_url` (the default), or the Discovery ("batch") API of
   * Enterprise workspaces below `/batch` on the same origin (docs/discovery.md). For Discovery lists `embeddedKey` is
   * the top-level key of the item array (the bodies are flat JSON, not HAL).
   */
  readonly api?: "rest" | "discovery";
  /** How the engine reads the stream; "discovery-list": one workspace-wide Discovery list, page by page. */
  readonly walk?: "discovery-list";
  /** Other top-level keys the item array may arrive under (Discovery members: Swagger and docs disagree). */
  readonly alternateKeys?: readonly string[];
}

export interface StreamQueryConfig {
  readonly includePersonalSpaces: boolean;
}
