import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { JsonObject } from "../json.js";

/**
 * How big the synthetic workspace is. Every count is exact: the model derives every entity from the
 * seed and these numbers, so tests can predict what a complete sync must find (see `truth()`).
 */
export interface WorkspaceSize {
  /** Shared ("custom") collections that hold reports and datasets. */
  spaces: number;
  /**
   * Members' personal collections (`space_type: "private"`, name "Personal"; docs/mode-api.md §7.2). They hold reports
   * too.
   */
  personalSpaces: number;
  /** Extra custom collections with no reports and no datasets. */
  emptySpaces: number;
  /** Reports in every non-empty space (custom and personal). */
  reportsPerSpace: number;
  /** Datasets (`type: "DatasetReport"`, docs/mode-api.md §3.13) in every non-empty space. */
  datasetsPerSpace: number;
  /** Queries per report (a few reports have none, on purpose). At most 255. */
  queriesPerReport: number;
  /** Charts per query. At most 255. */
  chartsPerQuery: number;
  /** Generated runs per report and per dataset (never-run reports have none). At most 4095. */
  runsPerReport: number;
  /** Schedules per report and per dataset. At most 255. */
  schedulesPerReport: number;
  /** Filters per report. At most 255. */
  filtersPerReport: number;
  /** Subscriptions per report (only reports with at least one schedule have them). At most 255. */
  subscriptionsPerReport: number;
  /** Data sources; the last one is used by no query when there are two or more. */
  dataSources: number;
  /** Definitions (SQL snippets). */
  definitions: number;
  /** Workspace members (memberships). At least 1: member 0 is the admin the API token acts for. */
  members: number;
  /** User groups (admin-only endpoint). */
  groups: number;
  /** Members in every group (bounded by `members`). */
  membersPerGroup: number;
  /** Rows of every succeeded query run's result (generated while streaming). */
  resultRows: number;
  /** Audit-log entries spread over 2025-02..2026-05. */
  auditLogs: number;
}

/** Kinds of injected faults (only `/api` routes get them). */
export type FaultKind = "500" | "502" | "503" | "429" | "reset" | "truncate" | "slow";

/** Fault injection settings; `rate: 0` disables. */
export interface FaultOptions {
  /** Probability 0..1 that an `/api` request gets a fault. */
  rate: number;
  /** Relative weight of each kind; kinds not listed weigh 0 when `kinds` is given, 1 each when it is not. */
  kinds?: Partial<Record<FaultKind, number>>;
  /** Delay of a `slow` fault, default 2000 ms. */
  slowMs?: number;
  /** Seed of the fault draws, default the workspace seed. */
  seed?: number;
  /** Length of a 429 burst (the faulted request plus the next ones of the same token), default 3. */
  burst?: number;
}

/**
 * Rate limit per API token: a leaky bucket of `requests` per `windowMs`, measured at arrival (docs/mode-api.md §6.1).
 */
export interface RateLimitOptions {
  requests: number;
  windowMs: number;
  /**
   * Send `Retry-After` on 429 (no Mode source says Mode sends it; docs/mode-api.md §6.1 [UNCERTAIN]). Default true.
   */
  retryAfter?: boolean;
}

/** Optional Mode quirks seen only in [SECONDARY] sources (docs/mode-api.md §2.4), off by default. */
export interface SimulatorQuirks {
  /** `/groups` emits `_links.next_page` on every page, even past the end. */
  groupsBogusNextPage?: boolean;
}

/** The Discovery ("batch") API of an Enterprise workspace (src/simulator/routes-discovery.ts). */
export interface DiscoveryOptions {
  /** Enterprise workspace with the API on (default true); false answers every `/batch` request 403. */
  enabled?: boolean;
  /**
   * Largest `per_page` accepted, default 1000 (Mode's docs show pages of 1,000); above it 400. Mode's Swagger says
   * "less than 1000": 999 simulates that reading.
   */
  maxPerPage?: number;
  /** Key of the members list: "memberships" (Mode's Swagger, default) or "members" (its docs' example). */
  membersKey?: "memberships" | "members";
  /** report_stats' view count: "view_count" (Mode's Swagger, default) or "total_views_count" (its docs' example). */
  viewCountKey?: "view_count" | "total_views_count";
}

export interface SimulatorOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 1. */
  seed?: number;
  /** Workspace username, default "acme". */
  workspace?: string;
  /** Basic-auth username accepted, default "sim-token". */
  token?: string;
  /** Basic-auth password accepted, default "sim-secret". */
  secret?: string;
  /** Default true; false -> groups and audit_logs answer 403 {"id":"forbidden",...}. */
  admin?: boolean;
  /** Default small (demo-sized); see `DEFAULT_SIZE`. */
  size?: Partial<WorkspaceSize>;
  /** Pre-2025 numeric ids (docs/mode-api.md §2.2); default false: ids are JSON strings. */
  integerIds?: boolean;
  /** Default 40 per 10 000 ms; false disables. */
  rateLimit?: RateLimitOptions | false;
  /** Default none. */
  faults?: FaultOptions;
  /** Delay of enqueued -> terminal for POSTed runs, default 200 ms. */
  runDelayMs?: number;
  /** Added to every `/api` response (benchmarks), default 0. */
  latencyMs?: number;
  /**
   * Whether a run that finishes bumps its report's `updated_at` (DataHub fixtures show `updated_at` a few ms
   * after `last_successfully_run_at`, docs/mode-api.md §3.3 [UNCERTAIN]; assumed for failed runs too). Default true.
   */
  runsBumpReportUpdatedAt?: boolean;
  /**
   * `GET /api/account` answers 400 as for API keys (docs/mode-api.md §1.4) unless this is true (then it returns the
   * admin user).
   */
  legacyAccountEndpoint?: boolean;
  quirks?: SimulatorQuirks;
  /** The Discovery API (default: on, pages of up to 1,000). */
  discovery?: DiscoveryOptions;
  /** Time source for rate limiting, run progression, latency and mutation timestamps. Default the system clock. */
  clock?: Clock;
  /** Debug/error logs (stderr). Default: silent. */
  logger?: Logger;
}

/** A change to the workspace between syncs; every count picks that many entities with the model's seeded PRNG. */
export interface Mutation {
  /** Bump `updated_at` (and `edited_at`, `last_saved_at`) of k reports. */
  touchReports?: number;
  /** Add `runsEach` succeeded runs to n reports (bumps `last_run_at`, `runs_count`, ...). */
  addRunsToReports?: number;
  runsEach?: number;
  /** Add n reports (with queries and charts, never run) to custom spaces. */
  addReports?: number;
  deleteReports?: number;
  /** Add one query to each of n reports (bumps the report's `updated_at`). */
  addQueries?: number;
  deleteQueries?: number;
  /** Delete n charts of live reports (bumps the report's `updated_at`, as deleting a query does). */
  deleteCharts?: number;
  /** Remove n members (never the API user): their workspace, space and group memberships go. */
  deleteMembers?: number;
  /** Delete n groups, data sources or definitions: gone from their list, their detail answers 404. */
  deleteGroups?: number;
  deleteDataSources?: number;
  deleteDefinitions?: number;
  archiveReports?: number;
  /** Purge the results of n succeeded runs (sets `purge_*`; results then answer 404). */
  purgeRuns?: number;
}

/** Tokens affected by one `mutate` call. */
export interface MutationResult {
  /** ISO timestamp of the first change. */
  readonly at: string;
  /** One line for humans: "3 reports touched, 2 runs added to 2 reports, ...". */
  readonly summary: string;
  readonly touchedReports: readonly string[];
  readonly reportsWithNewRuns: readonly string[];
  readonly addedRuns: readonly string[];
  readonly addedQueryRuns: readonly string[];
  readonly addedReports: readonly string[];
  readonly addedQueries: readonly string[];
  readonly addedCharts: readonly string[];
  readonly deletedReports: readonly string[];
  readonly deletedQueries: readonly string[];
  readonly deletedCharts: readonly string[];
  /** Member tokens (the `member_token` of memberships). */
  readonly deletedMembers: readonly string[];
  readonly deletedGroups: readonly string[];
  readonly deletedDataSources: readonly string[];
  readonly deletedDefinitions: readonly string[];
  readonly archivedReports: readonly string[];
  readonly purgedRuns: readonly string[];
  /**
   * Every live report whose `updated_at` moved (touched, archived, queries changed, new runs unless
   * runsBumpReportUpdatedAt is false, added).
   */
  readonly updatedReports: readonly string[];
}

/** Counters of the `/api` traffic since start or the last reset. */
export interface SimulatorStats {
  readonly since: string;
  readonly requests: number;
  /** "GET /{ws}/spaces/{space}/reports" -> count. */
  readonly byRoute: Readonly<Record<string, number>>;
  /** "200" -> count. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Every 429 answered (rate limit and injected). */
  readonly rateLimited: number;
  /** Injected faults by kind. */
  readonly faults: Readonly<Record<string, number>>;
  readonly maxConcurrent: number;
  readonly inFlight: number;
  /** Result rows streamed (content.json / content.csv). */
  readonly resultRows: number;
}

/** Page sizes a sync asks for, for `minimalRequests`. Defaults: the largest each endpoint honours. */
export interface MinimalRequestsOptions {
  /** per_page of report runs and dataset runs, 1..100, default 100. */
  runsPerPage?: number;
  /** per_page of schedules, 1..100, default 100. */
  schedulesPerPage?: number;
  /** per_page of spaces, 1..30, default 30. */
  spacesPerPage?: number;
  /** Audit-log window; default the whole generated range. */
  auditLogs?: { start: string; end: string };
  /** Only these streams (tap stream names); default all. */
  streams?: readonly string[];
}

export interface MinimalRequests {
  readonly total: number;
  readonly byStream: Readonly<Record<string, number>>;
}

/** Parameters of a POSTed run. */
export type RunParameters = JsonObject;
