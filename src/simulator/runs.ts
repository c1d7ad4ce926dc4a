import type { JsonObject } from "../json.js";
import { hash32, pick, unit } from "./random.js";
import type { AddedRun, LatestSuccess, QueryState, ReportState, RunStateName } from "./state.js";
import { DAY, HISTORY_END, HOUR } from "./time.js";
import { TokenKind } from "./tokens.js";
import { IdBase, type World } from "./world.js";

/**
 * Report runs and query runs as views. Generated runs are a pure function of (seed, report, index),
 * so 200,000 runs cost no memory; runs added later (POST or mutation) are stored in the report.
 */
export interface RunView {
  readonly report: ReportState;
  /** Position among the report's runs, oldest first. */
  readonly index: number;
  readonly token: string;
  /** Token ordinal; query-run tokens derive from it. */
  readonly ordinal: number;
  readonly added: boolean;
  readonly state: RunStateName;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly completedAt: number | null;
  readonly purgeStartedAt: number | null;
  readonly purgeCompletedAt: number | null;
  readonly parameters: JsonObject;
  readonly queries: readonly QueryState[];
  /** Index in `queries` of the query run that failed, -1 if none. */
  readonly failingQuery: number;
  /** Schedule index that started the run, null for a manual run. */
  readonly schedule: number | null;
  readonly executedBy: number;
}

export interface QueryRunView {
  readonly run: RunView;
  readonly position: number;
  readonly query: QueryState;
  readonly token: string;
  readonly id: number;
  readonly state: RunStateName;
  readonly createdAt: number;
  readonly completedAt: number | null;
}

// Run ordinals are report serial x 4096 + index; query-run ordinals add 8 bits for the query.
const RUNS_PER_REPORT_SLOTS = 4096;
const QUERY_SLOTS = 256;
const PURGE_DELAY = 90 * DAY;
const PURGE_DURATION = 1800;

function baseRun(world: World, report: ReportState, k: number): RunView {
  const { seed } = world;
  const n = report.baseRuns;
  const start = report.createdAt + HOUR;
  const slot = Math.max(10, (HISTORY_END - start) / n);
  const createdAt = Math.floor(start + slot * (k + 0.1 + 0.8 * unit(seed, report.serial, k, 11)));
  const runtime = Math.min(Math.floor(slot * 0.05) + 1, 800 + Math.floor(unit(seed, report.serial, k, 12) * 90_000));
  const h = hash32(seed, report.serial, k, 13);
  let state: RunStateName = "succeeded";
  if (report.failing ? k === n - 1 || h % 5 === 0 : h % 29 === 0) state = "failed";
  else if (h % 61 === 7) state = "cancelled";
  const completedAt = createdAt + (state === "succeeded" ? runtime : Math.floor(runtime / 3) + 1);
  let purgeStartedAt: number | null = null;
  let purgeCompletedAt: number | null = null;
  const mutationPurge = report.purgedBase?.get(k);
  if (mutationPurge !== undefined) {
    purgeStartedAt = mutationPurge.started;
    purgeCompletedAt = mutationPurge.completed;
  } else if (state === "succeeded" && k < n - 2 && h % 23 === 3) {
    // Some old runs had their results purged (docs/mode-api.md §4): their results answer 404.
    purgeStartedAt = Math.min(completedAt + PURGE_DELAY, HISTORY_END + 3 * DAY);
    purgeCompletedAt = purgeStartedAt + PURGE_DURATION;
  }
  const queries = report.queries.slice(0, report.baseQueryCount);
  const liquid = queries[0]?.sql === "liquid";
  const ordinal = report.serial * RUNS_PER_REPORT_SLOTS + k;
  return {
    report,
    index: k,
    token: world.tokens.make(TokenKind.run, ordinal),
    ordinal,
    added: false,
    state,
    createdAt,
    updatedAt: purgeCompletedAt ?? completedAt + 4,
    completedAt,
    purgeStartedAt,
    purgeCompletedAt,
    parameters: liquid ? { state: pick(["CA", "GA", "NY"], seed, report.serial, k, 14) } : {},
    queries,
    failingQuery: state === "failed" ? queries.length - 1 : -1,
    schedule: report.schedules > 0 && h % 3 !== 0 ? k % report.schedules : null,
    executedBy: h % 4 === 0 ? h % world.size.members : report.creator,
  };
}

function addedRunView(report: ReportState, run: AddedRun, index: number): RunView {
  return {
    report,
    index,
    token: run.token,
    ordinal: run.serial,
    added: true,
    state: run.state,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    completedAt: run.completedAt,
    purgeStartedAt: run.purgeStartedAt,
    purgeCompletedAt: run.purgeCompletedAt,
    parameters: run.parameters,
    queries: run.queries,
    failingQuery: run.state === "failed" ? run.queries.length - 1 : -1,
    schedule: null,
    executedBy: run.executedBy,
  };
}

export function runCount(report: ReportState): number {
  return report.baseRuns + report.added.length;
}

/** The run at `index` (oldest first). */
export function runAt(world: World, report: ReportState, index: number): RunView {
  if (index < report.baseRuns) return baseRun(world, report, index);
  const added = report.added[index - report.baseRuns];
  if (added === undefined) throw new RangeError(`run index ${index} out of range`);
  return addedRunView(report, added, index);
}

/** Every run of a report, oldest first. */
export function runsOf(world: World, report: ReportState): RunView[] {
  const total = runCount(report);
  const runs: RunView[] = new Array<RunView>(total);
  for (let i = 0; i < total; i++) runs[i] = runAt(world, report, i);
  return runs;
}

/** Token of the newest run, null when the report never ran. */
export function lastRunToken(world: World, report: ReportState): string | null {
  const added = report.added[report.added.length - 1];
  if (added !== undefined) return added.token;
  return report.baseRuns === 0
    ? null
    : world.tokens.make(TokenKind.run, report.serial * RUNS_PER_REPORT_SLOTS + report.baseRuns - 1);
}

/** Every run token of a report without building views (truth). */
export function runTokensOf(world: World, report: ReportState): string[] {
  const tokens: string[] = [];
  for (let k = 0; k < report.baseRuns; k++)
    tokens.push(world.tokens.make(TokenKind.run, report.serial * RUNS_PER_REPORT_SLOTS + k));
  for (const run of report.added) tokens.push(run.token);
  return tokens;
}

/** The run of `report` with this token, decoded without any index. */
export function findRun(world: World, report: ReportState, token: string): RunView | undefined {
  const ordinal = world.tokens.ordinalOf(TokenKind.run, token);
  if (ordinal !== undefined) {
    const k = ordinal - report.serial * RUNS_PER_REPORT_SLOTS;
    return k >= 0 && k < report.baseRuns ? baseRun(world, report, k) : undefined;
  }
  const added = world.state.addedRunsByToken.get(token);
  if (added === undefined || added.report !== report) return undefined;
  const i = report.added.indexOf(added.run);
  return i < 0 ? undefined : addedRunView(report, added.run, report.baseRuns + i);
}

// Query-run ordinal of the query at `position` of `run`.
function queryRunOrdinal(run: RunView, position: number): number {
  return run.ordinal * QUERY_SLOTS + position;
}

function queryRunState(run: RunView, position: number): RunStateName {
  if (run.state === "failed") return position === run.failingQuery ? "failed" : "succeeded";
  return run.state;
}

export function queryRunAt(world: World, run: RunView, position: number): QueryRunView {
  const query = run.queries[position];
  if (query === undefined) throw new RangeError(`query run ${position} out of range`);
  const ordinal = queryRunOrdinal(run, position);
  const createdAt = run.createdAt + 5 + position * 3;
  return {
    run,
    position,
    query,
    token: world.tokens.make(run.added ? TokenKind.addedQueryRun : TokenKind.queryRun, ordinal),
    id: (run.added ? IdBase.addedQueryRun : IdBase.queryRun) + ordinal,
    state: queryRunState(run, position),
    createdAt,
    completedAt: run.completedAt === null ? null : Math.max(createdAt, run.completedAt - 3 - position),
  };
}

export function queryRunsOf(world: World, run: RunView): QueryRunView[] {
  return run.queries.map((_q, i) => queryRunAt(world, run, i));
}

export function findQueryRun(world: World, run: RunView, token: string): QueryRunView | undefined {
  const ordinal = world.tokens.ordinalOf(run.added ? TokenKind.addedQueryRun : TokenKind.queryRun, token);
  if (ordinal === undefined) return undefined;
  const position = ordinal - run.ordinal * QUERY_SLOTS;
  return position >= 0 && position < run.queries.length ? queryRunAt(world, run, position) : undefined;
}

/** Whether a query run's results can be downloaded (purged runs answer 404, docs/mode-api.md §4). */
export function resultsAvailable(queryRun: QueryRunView): boolean {
  return queryRun.state === "succeeded" && queryRun.run.purgeStartedAt === null;
}

/** Latest run start, latest success and failures after it, from the generated runs (generation). */
export interface BaseRunSummary {
  readonly lastRunAt: number | null;
  /** When the newest run finished (any state). */
  readonly lastCompletedAt: number | null;
  readonly latestSuccess: LatestSuccess | null;
  readonly failuresSinceSuccess: boolean;
}

export function summarizeBaseRuns(world: World, report: ReportState): BaseRunSummary {
  if (report.baseRuns === 0)
    return { lastRunAt: null, lastCompletedAt: null, latestSuccess: null, failuresSinceSuccess: false };
  const last = baseRun(world, report, report.baseRuns - 1);
  let failuresSinceSuccess = false;
  for (let k = report.baseRuns - 1; k >= 0; k--) {
    const run = k === last.index ? last : baseRun(world, report, k);
    if (run.state === "succeeded" && run.completedAt !== null) {
      return {
        lastRunAt: last.createdAt,
        lastCompletedAt: last.completedAt,
        latestSuccess: { index: k, token: run.token, completedAt: run.completedAt, createdAt: run.createdAt },
        failuresSinceSuccess,
      };
    }
    if (run.state === "failed") failuresSinceSuccess = true;
  }
  return { lastRunAt: last.createdAt, lastCompletedAt: last.completedAt, latestSuccess: null, failuresSinceSuccess };
}

/** The `id` of the latest query run of `query`, null when it never ran (Query.last_run_id). */
export function lastQueryRunId(world: World, query: QueryState): number | null {
  const report = query.report;
  for (let i = report.added.length - 1; i >= 0; i--) {
    const run = report.added[i] as AddedRun;
    const position = run.queries.indexOf(query);
    if (position >= 0) return IdBase.addedQueryRun + run.serial * QUERY_SLOTS + position;
  }
  const position = report.queries.indexOf(query);
  if (report.baseRuns > 0 && position >= 0 && position < report.baseQueryCount) {
    return IdBase.queryRun + (report.serial * RUNS_PER_REPORT_SLOTS + report.baseRuns - 1) * QUERY_SLOTS + position;
  }
  return null;
}
