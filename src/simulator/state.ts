import type { JsonObject } from "../json.js";

/**
 * The compact state of a synthetic workspace. Only what can change or cannot be derived cheaply is
 * stored; everything else (names, counts, flags, generated runs, query runs, charts, rows) is derived
 * from the seed and ordinals when a body is built (model.ts, runs.ts, bodies/).
 */

export type SpaceKind = "custom" | "empty" | "personal";

export interface SpaceState {
  readonly ordinal: number;
  readonly token: string;
  readonly kind: SpaceKind;
  /** Member index of the creator (the owner of a personal space). */
  readonly creator: number;
  /** Reports (not datasets) in creation order, archived included, deleted removed. */
  readonly reports: ReportState[];
  readonly datasets: ReportState[];
}

/** Awkward cases planted in every workspace (simulator brief: "including awkward cases"). */
export type ReportTrait =
  "normal" | "neverRun" | "noQueries" | "archived" | "failing" | "unicode" | "untitled" | "longSql";

export type SqlVariant = "plain" | "liquid" | "unicode" | "long";

export interface QueryState {
  readonly serial: number;
  readonly token: string;
  readonly report: ReportState;
  readonly createdAt: number;
  updatedAt: number;
  readonly charts: number;
  readonly dataSource: number;
  readonly sql: SqlVariant;
  readonly unicodeName: boolean;
  deleted: boolean;
  /** Positions (0 .. charts-1) of charts deleted by a mutation; absent while none is. */
  deletedCharts?: Set<number>;
}

/** Report-run states Mode emits (docs/mode-api.md §4; no `running`). */
export type RunStateName = "enqueued" | "succeeded" | "failed" | "cancelled";

/** A run added after generation (POST .../runs or a mutation). Generated runs are derived, not stored. */
export interface AddedRun {
  readonly serial: number;
  readonly token: string;
  state: RunStateName;
  readonly createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  purgeStartedAt: number | null;
  purgeCompletedAt: number | null;
  readonly parameters: JsonObject;
  /** The report's queries when the run was created (one query run each). */
  readonly queries: readonly QueryState[];
  readonly fail: boolean;
  readonly executedBy: number;
}

export interface LatestSuccess {
  /** Position among the report's runs, oldest first (generated runs, then added ones). */
  readonly index: number;
  readonly token: string;
  readonly completedAt: number;
  readonly createdAt: number;
}

export interface ReportState {
  readonly serial: number;
  readonly token: string;
  readonly space: SpaceState;
  readonly dataset: boolean;
  readonly trait: ReportTrait;
  readonly creator: number;
  readonly createdAt: number;
  updatedAt: number;
  editedAt: number;
  savedAt: number;
  archived: boolean;
  deleted: boolean;
  /** Runs of a failing report fail (its latest generated run too). */
  readonly failing: boolean;
  /** Every query ever created in the report, deleted ones flagged; generated ones first. */
  readonly queries: QueryState[];
  /** Generated queries (the first entries of `queries`) run by generated runs. */
  readonly baseQueryCount: number;
  readonly baseRuns: number;
  readonly added: AddedRun[];
  /** Generated runs purged by a mutation: run index -> purge start and end. */
  purgedBase: Map<number, { readonly started: number; readonly completed: number }> | null;
  lastRunAt: number | null;
  latestSuccess: LatestSuccess | null;
  /** Whether a run failed after the latest success. */
  failuresSinceSuccess: boolean;
  readonly schedules: number;
  readonly filters: number;
  readonly subscriptions: number;
  importedDataset: ReportState | null;
}

export interface MemberState {
  readonly index: number;
  readonly token: string;
  readonly username: string;
  readonly admin: boolean;
  /** Invited but not yet joined: `activated_at` is null. */
  readonly invited: boolean;
  readonly createdAt: number;
}

/** Workspace-level entities deleted by mutations, by generation index (they are derived, not stored). */
export interface DeletedEntities {
  readonly members: Set<number>;
  readonly groups: Set<number>;
  readonly dataSources: Set<number>;
  readonly definitions: Set<number>;
}

export interface WorkspaceState {
  readonly accountToken: string;
  readonly accountId: number;
  readonly accountCreatedAt: number;
  readonly members: readonly MemberState[];
  readonly spaces: readonly SpaceState[];
  /** Live reports and datasets by token. */
  readonly reportsByToken: Map<string, ReportState>;
  readonly addedRunsByToken: Map<string, { readonly report: ReportState; readonly run: AddedRun }>;
  readonly deleted: DeletedEntities;
  nextReportSerial: number;
  nextQuerySerial: number;
  nextRunSerial: number;
}
