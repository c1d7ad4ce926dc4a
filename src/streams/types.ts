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
   * "derived": records computed from each record of the `derivedFrom` streams, with no request of their own (issue 17,
   * query_tables). Round one declares it; the engine's derived walk is wired separately.
   */
  readonly walk?: "derived";
  /** Streams whose records feed `derive` (each record of each, as read and normalised). */
  readonly derivedFrom?: readonly string[];
  /** Workspace-level streams `derive` looks records up in, by name: which stream and which field indexes it. */
  readonly lookups?: Readonly<Record<string, StreamLookup>>;
  /** The records derived from one source record; pure, never throws. */
  readonly derive?: DeriveRecords;
}

/** A lookup a derived stream declares: records of `stream` indexed by their `key` field (ids as strings). */
export interface StreamLookup {
  readonly stream: string;
  readonly key: string;
}

/** A declared lookup filled by the engine: the record whose key field equals `key`, if any. */
export interface LookupTable {
  get(key: string): Readonly<Record<string, unknown>> | undefined;
}

export type DeriveRecords = (
  source: {
    readonly stream: string;
    readonly record: Readonly<Record<string, unknown>>;
    readonly context: StreamContext;
  },
  lookups: Readonly<Record<string, LookupTable>>,
) => Record<string, unknown>[];

export interface StreamQueryConfig {
  readonly includePersonalSpaces: boolean;
}
