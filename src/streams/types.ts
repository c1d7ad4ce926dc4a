/**
 * The contract between stream definitions (data, one file per stream; docs/house-style.md §1) and the generic sync
 * engine that executes them.
 */

/** Path parameters and parent tokens known when a stream is read, e.g. { workspace, space, report }. */
export type StreamContext = Readonly<Record<string, string>>;

export type ReplicationMethod = "FULL_TABLE" | "INCREMENTAL";

/**
 * How the sync reads a stream: the name of its strategy in src/sync/strategies/<walk>.ts. The engine walks the parent
 * tree once (a child is read for each item of its `parent`) and hands each stream its part of the walk.
 *
 * - `workspace-list`: a workspace-level list (or object, `kind: "object"`), read whole every sync as one unit with its
 *   children.
 * - `partition-list`: a workspace-level list whose items partition the workspace (spaces): committed page by page,
 *   each item's children walked concurrently, each child committing units of its own.
 * - `versioned-parent`: a list read whole every sync whose items' children are read again only when the item's
 *   `updated_at` moved (reports, datasets); items no longer listed are reported deleted.
 * - `with-parent`: a list read for each item of its parent, in the parent's unit, whenever the parent changed.
 * - `run-partitioned`: a list read newest first per parent and stopped at a bookmark kept per parent (runs).
 * - `time-window`: a workspace-level list filtered by a start and an end timestamp (audit logs), see `window`.
 * - `results`: report result rows, read at the top of the walk from the reports the config names.
 * - `derived`: records computed (no request) from each record of the `derivedFrom` streams, in the same unit.
 * - `discovery-list`: one workspace-wide list of the Discovery ("batch") API (`api: "discovery"`), read whole every
 *   sync through a run-scoped signature token (docs/discovery.md).
 */
export type WalkKind =
  | "workspace-list"
  | "partition-list"
  | "versioned-parent"
  | "with-parent"
  | "run-partitioned"
  | "time-window"
  | "results"
  | "derived"
  | "discovery-list";

/** A `time-window` stream's query: where the window's bounds go and how far back a first sync reaches. */
export interface TimeWindow {
  /** Query parameter carrying the window's start (the bookmark, or start_date, or the default look-back). */
  readonly startParam: string;
  /** Query parameter carrying the window's end (the sync's start). */
  readonly endParam: string;
  /** Days back a first sync reaches when the config has no start_date. */
  readonly defaultLookbackDays: number;
}

/** Workspace-level records a derived stream reads (read before the walk when the derived stream is selected). */
export interface Lookups {
  /** Every item of a lookup stream, as Mode sent it. */
  records(stream: string): readonly Readonly<Record<string, unknown>>[];
  /** The items of a lookup stream by the string value of `field` (built once, then reused). */
  index(stream: string, field: string): ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** One Mode stream, declared as data. */
export interface StreamDefinition {
  readonly name: string; // tap_stream_id == stream
  /** How the sync reads it (see WalkKind). */
  readonly walk: WalkKind;
  readonly path: string | null; // template, e.g. "/{workspace}/spaces/{space}/reports"; null without an endpoint
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
  /** `time-window` streams: the window's query parameters and first-sync look-back. */
  readonly window?: TimeWindow;
  /**
   * Rank of this stream's parent count in the progress estimate: the lowest-ranked stream whose total Mode announced
   * (`pagination.total_count`) is the one the estimate follows.
   */
  readonly progressEstimate?: number;
  /** `derived` streams: the streams whose records this one is computed from. */
  readonly derivedFrom?: readonly string[];
  /** `derived` streams: workspace-level streams whose records `derive` needs (read first when this one is selected). */
  readonly lookups?: readonly string[];
  /**
   * `derived` streams: the records computed from one record of a `derivedFrom` stream (as Mode sent it), with its
   * context (the source's context plus its childContext) and the lookups. CPU only: no request.
   */
  readonly derive?: DeriveFn;
  /**
   * `derived` streams whose derivation keeps state worth reusing across records (a parser's loaded grammars, a cache):
   * a factory the engine calls once per sync, used instead of `derive`. No module-level state needed.
   */
  readonly createDerive?: () => DeriveFn;
  /**
   * A field whose non-null value marks a record the stream could only partly produce (query_tables: `parse_error`).
   * The run summary counts them per stream: "<stream>: <count> <summary> (see <field>)". Such a record never fails the
   * run.
   */
  readonly problemField?: ProblemField;
  /**
   * Which Mode API serves `path`: the REST API below `base_url` (the default), or the Discovery ("batch") API of
   * Enterprise workspaces below `/batch` on the same origin (docs/discovery.md). For Discovery lists `embeddedKey` is
   * the top-level key of the item array (the bodies are flat JSON, not HAL).
   */
  readonly api?: "rest" | "discovery";
  /** Other top-level keys the item array may arrive under (Discovery members: Swagger and docs disagree). */
  readonly alternateKeys?: readonly string[];
}

/** See StreamDefinition.problemField. */
export interface ProblemField {
  readonly field: string;
  /** What a flagged record stands for, in the plural: "queries whose SQL could not be parsed". */
  readonly summary: string;
}

/** Records computed from one source record (CPU only, no request); see StreamDefinition.derive. */
export type DeriveFn = (
  source: Readonly<Record<string, unknown>>,
  context: StreamContext,
  lookups: Lookups,
) => readonly Readonly<Record<string, unknown>>[];

export interface StreamQueryConfig {
  readonly includePersonalSpaces: boolean;
}
