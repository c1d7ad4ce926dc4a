import type { JsonObject } from "../json.js";
import { dataSourceToken, definitionToken, groupToken } from "./bodies/management.js";
import { chartToken, chartTokens } from "./bodies/queries.js";
import { liveChartPositions, liveMembers, liveOf, type DeletableKind } from "./live.js";
import { hash32, sample, type Prng } from "./random.js";
import { queryRunsOf, runAt, runCount, type RunView } from "./runs.js";
import type { AddedRun, QueryState, ReportState, SpaceState } from "./state.js";
import { isoMs, type MonotonicNow } from "./time.js";
import { TokenKind } from "./tokens.js";
import type { Mutation, MutationResult } from "./types.js";
import type { World } from "./world.js";

/** Changes to the workspace between syncs (control API `mutate`) and the runs POSTed by clients. */
export interface MutationContext {
  readonly world: World;
  readonly now: MonotonicNow;
  readonly prng: Prng;
  /** Whether a finished run bumps its report's `updated_at` (SimulatorOptions.runsBumpReportUpdatedAt). */
  readonly runsBumpUpdatedAt: boolean;
}

const MAX_QUERIES = 255;

function liveReports(world: World): ReportState[] {
  return world.state.spaces.flatMap((s) => s.reports).filter((r) => !r.deleted);
}

// Marks a report changed now: `updated_at` (and `edited_at`/`last_saved_at` when edited).
function bump(ctx: MutationContext, report: ReportState, edited: boolean): void {
  if (edited) report.editedAt = ctx.now.next();
  const saved = ctx.now.next();
  if (edited) report.savedAt = saved;
  report.updatedAt = saved;
}

/** Starts a run now (state `enqueued`); `finishRun` completes it. */
export function startRun(
  ctx: MutationContext,
  report: ReportState,
  parameters: JsonObject,
  executedBy: number,
): AddedRun {
  const { state } = ctx.world;
  const serial = state.nextRunSerial++;
  const createdAt = ctx.now.next();
  const run: AddedRun = {
    serial,
    token: ctx.world.tokens.make(TokenKind.addedRun, serial),
    state: "enqueued",
    createdAt,
    updatedAt: createdAt,
    completedAt: null,
    purgeStartedAt: null,
    purgeCompletedAt: null,
    parameters,
    queries: report.queries.filter((q) => !q.deleted),
    // A report flagged to fail, or parameters {"fail": true}, makes the run fail (simulator brief).
    fail: report.failing || parameters.fail === true,
    executedBy,
  };
  report.added.push(run);
  state.addedRunsByToken.set(run.token, { report, run });
  report.lastRunAt = createdAt;
  return run;
}

/** enqueued -> succeeded | failed, with `completed_at`; updates the report's last-run fields. */
export function finishRun(ctx: MutationContext, report: ReportState, run: AddedRun): void {
  if (run.state !== "enqueued") return;
  const completedAt = ctx.now.next();
  run.state = run.fail ? "failed" : "succeeded";
  run.completedAt = completedAt;
  run.updatedAt = completedAt;
  const index = report.baseRuns + report.added.indexOf(run);
  if (run.state === "succeeded") {
    const latest = report.latestSuccess;
    if (latest === null || latest.index < index) {
      report.latestSuccess = { index, token: run.token, completedAt, createdAt: run.createdAt };
      report.failuresSinceSuccess = report.added.slice(index - report.baseRuns + 1).some((r) => r.state === "failed");
    }
  } else if (report.latestSuccess === null || report.latestSuccess.index < index) {
    report.failuresSinceSuccess = true;
  }
  // A finished run changes the report's last-run fields, and `updated_at` moves with them (DataHub fixtures
  // show it a few ms after the run, docs/mode-api.md §3.3; the same is assumed for failed runs).
  if (ctx.runsBumpUpdatedAt && !report.deleted) report.updatedAt = ctx.now.next();
}

function newQuery(ctx: MutationContext, report: ReportState): QueryState {
  const { world } = ctx;
  const serial = world.state.nextQuerySerial++;
  const createdAt = ctx.now.next();
  return {
    serial,
    token: world.tokens.make(TokenKind.query, serial),
    report,
    createdAt,
    updatedAt: createdAt,
    charts: world.size.chartsPerQuery,
    dataSource:
      world.size.dataSources === 0 ? -1 : hash32(world.seed, serial, 42) % Math.max(1, world.size.dataSources - 1),
    sql: "plain",
    unicodeName: false,
    deleted: false,
  };
}

function newReport(ctx: MutationContext, space: SpaceState): ReportState {
  const { world } = ctx;
  const serial = world.state.nextReportSerial++;
  const createdAt = ctx.now.next();
  const report: ReportState = {
    serial,
    token: world.tokens.make(TokenKind.report, serial),
    space,
    dataset: false,
    trait: "normal",
    creator: hash32(world.seed, serial, 23) % world.size.members,
    createdAt,
    updatedAt: createdAt,
    editedAt: createdAt,
    savedAt: createdAt,
    archived: false,
    deleted: false,
    failing: false,
    queries: [],
    baseQueryCount: 0,
    baseRuns: 0,
    added: [],
    purgedBase: null,
    lastRunAt: null,
    latestSuccess: null,
    failuresSinceSuccess: false,
    schedules: 0,
    filters: 0,
    subscriptions: 0,
    importedDataset: null,
  };
  for (let q = 0; q < world.size.queriesPerReport; q++) report.queries.push(newQuery(ctx, report));
  report.savedAt = ctx.now.next();
  report.updatedAt = report.savedAt;
  space.reports.push(report);
  world.state.reportsByToken.set(report.token, report);
  return report;
}

function deleteReport(world: World, report: ReportState): void {
  report.deleted = true;
  const list = report.dataset ? report.space.datasets : report.space.reports;
  list.splice(list.indexOf(report), 1);
  world.state.reportsByToken.delete(report.token);
  for (const run of report.added) world.state.addedRunsByToken.delete(run.token);
}

/** Deletes n charts of live reports' queries; like a deleted query, it changes its report. */
function deleteCharts(ctx: MutationContext, count: number, updated: Set<ReportState>): string[] {
  const { world, prng } = ctx;
  const charts = liveReports(world).flatMap((r) =>
    r.queries
      .filter((q) => !q.deleted)
      .flatMap((query) => liveChartPositions(query).map((position) => ({ query, position }))),
  );
  return sample(charts, count, prng).map(({ query, position }) => {
    (query.deletedCharts ??= new Set()).add(position);
    bump(ctx, query.report, true);
    updated.add(query.report);
    return chartToken(world, query, position);
  });
}

const TOKEN_OF: Record<DeletableKind, (world: World, index: number) => string> = {
  groups: groupToken,
  dataSources: dataSourceToken,
  definitions: definitionToken,
};

/** Deletes n groups, data sources or definitions: they leave their list and their detail answers 404. */
function deleteIndexed(ctx: MutationContext, kind: DeletableKind, count: number): string[] {
  return sample(liveOf(ctx.world, kind), count, ctx.prng).map((i) => {
    ctx.world.state.deleted[kind].add(i);
    return TOKEN_OF[kind](ctx.world, i);
  });
}

/** Removes n members from the workspace (never member 0, the API user): memberships, space and group ones, go. */
function deleteMembers(ctx: MutationContext, count: number): string[] {
  const candidates = liveMembers(ctx.world).filter((m) => m.index !== 0);
  return sample(candidates, count, ctx.prng).map((member) => {
    ctx.world.state.deleted.members.add(member.index);
    return member.token;
  });
}

function purge(ctx: MutationContext, run: RunView): void {
  const started = ctx.now.next();
  const completed = ctx.now.next();
  const report = run.report;
  if (run.added) {
    const stored = report.added[run.index - report.baseRuns];
    if (stored === undefined) return;
    stored.purgeStartedAt = started;
    stored.purgeCompletedAt = completed;
    stored.updatedAt = completed;
  } else {
    report.purgedBase ??= new Map();
    report.purgedBase.set(run.index, { started, completed });
  }
}

function purgeCandidates(world: World): RunView[] {
  const out: RunView[] = [];
  for (const report of liveReports(world)) {
    for (let i = 0; i < runCount(report); i++) {
      const run = runAt(world, report, i);
      if (run.state === "succeeded" && run.purgeStartedAt === null) out.push(run);
    }
  }
  return out;
}

// "3 reports touched, 1 report added": `{s}` in the text is "s" unless the count is 1.
function summarize(parts: ReadonlyArray<readonly [number, string]>): string {
  const done = parts.filter(([n]) => n > 0).map(([n, text]) => `${n} ${text.replace(/\{s\}/g, n === 1 ? "" : "s")}`);
  return done.length === 0 ? "no changes" : done.join(", ");
}

/**
 * Applies a mutation. Entities are picked with the model's seeded PRNG, so a given seed and call
 * sequence always changes the same tokens. Order: deletions first, so nothing deleted is also
 * reported as touched; new reports last, so they are not touched in the same call.
 */
export function applyMutation(ctx: MutationContext, m: Mutation): MutationResult {
  const { world, prng } = ctx;
  const at = ctx.now.next();
  const updated = new Set<ReportState>();
  const tokens = (list: readonly { token: string }[]): string[] => list.map((x) => x.token);

  const deleted = sample(liveReports(world), m.deleteReports ?? 0, prng);
  for (const report of deleted) deleteReport(world, report);

  const archived = sample(
    liveReports(world).filter((r) => !r.archived),
    m.archiveReports ?? 0,
    prng,
  );
  for (const report of archived) {
    report.archived = true;
    bump(ctx, report, false);
    updated.add(report);
  }

  const touched = sample(liveReports(world), m.touchReports ?? 0, prng);
  for (const report of touched) {
    bump(ctx, report, true);
    updated.add(report);
  }

  const addedQueries: QueryState[] = [];
  for (const report of sample(
    liveReports(world).filter((r) => r.queries.length < MAX_QUERIES),
    m.addQueries ?? 0,
    prng,
  )) {
    const query = newQuery(ctx, report);
    report.queries.push(query);
    addedQueries.push(query);
    bump(ctx, report, true);
    updated.add(report);
  }

  const deletedQueries = sample(
    liveReports(world).flatMap((r) => r.queries.filter((q) => !q.deleted)),
    m.deleteQueries ?? 0,
    prng,
  );
  for (const query of deletedQueries) {
    query.deleted = true;
    bump(ctx, query.report, true);
    updated.add(query.report);
  }

  // Each draws from the PRNG only when asked for, so existing mutation sequences keep their picks.
  const deletedCharts = deleteCharts(ctx, m.deleteCharts ?? 0, updated);
  const deletedMembers = deleteMembers(ctx, m.deleteMembers ?? 0);
  const deletedGroups = deleteIndexed(ctx, "groups", m.deleteGroups ?? 0);
  const deletedDataSources = deleteIndexed(ctx, "dataSources", m.deleteDataSources ?? 0);
  const deletedDefinitions = deleteIndexed(ctx, "definitions", m.deleteDefinitions ?? 0);

  const runsEach = Math.max(1, m.runsEach ?? 1);
  const runReports = sample(
    liveReports(world).filter((r) => !r.archived),
    m.addRunsToReports ?? 0,
    prng,
  );
  const addedRuns: AddedRun[] = [];
  const addedQueryRuns: string[] = [];
  for (const report of runReports) {
    for (let i = 0; i < runsEach; i++) {
      const run = startRun(ctx, report, {}, report.creator);
      finishRun(ctx, report, run);
      addedRuns.push(run);
      for (const queryRun of queryRunsOf(world, runAt(world, report, runCount(report) - 1)))
        addedQueryRuns.push(queryRun.token);
    }
    if (ctx.runsBumpUpdatedAt) updated.add(report);
  }

  const purged = sample(purgeCandidates(world), m.purgeRuns ?? 0, prng);
  for (const run of purged) purge(ctx, run);

  const customSpaces = world.state.spaces.filter((s) => s.kind === "custom");
  const targets = customSpaces.length > 0 ? customSpaces : world.state.spaces;
  const addedReports: ReportState[] = [];
  for (let i = 0; i < (m.addReports ?? 0) && targets.length > 0; i++) {
    const report = newReport(ctx, targets[prng.int(targets.length)] as SpaceState);
    addedReports.push(report);
    updated.add(report);
  }

  const summary = summarize([
    [touched.length, "report{s} touched"],
    [addedRuns.length, `run{s} added to ${runReports.length} report${runReports.length === 1 ? "" : "s"}`],
    [addedReports.length, "report{s} added"],
    [deleted.length, "report{s} deleted"],
    [addedQueries.length, `quer${addedQueries.length === 1 ? "y" : "ies"} added`],
    [deletedQueries.length, `quer${deletedQueries.length === 1 ? "y" : "ies"} deleted`],
    [deletedCharts.length, "chart{s} deleted"],
    [deletedMembers.length, "member{s} removed"],
    [deletedGroups.length, "group{s} deleted"],
    [deletedDataSources.length, "data source{s} deleted"],
    [deletedDefinitions.length, "definition{s} deleted"],
    [archived.length, "report{s} archived"],
    [purged.length, "run{s} purged"],
  ]);
  return {
    at: isoMs(at),
    summary,
    touchedReports: tokens(touched),
    reportsWithNewRuns: tokens(runReports),
    addedRuns: tokens(addedRuns),
    addedQueryRuns,
    addedReports: tokens(addedReports),
    addedQueries: tokens([...addedQueries, ...addedReports.flatMap((r) => r.queries)]),
    addedCharts: [...addedQueries, ...addedReports.flatMap((r) => r.queries)].flatMap((q) => chartTokens(world, q)),
    deletedReports: tokens(deleted),
    deletedQueries: tokens(deletedQueries),
    deletedCharts,
    deletedMembers,
    deletedGroups,
    deletedDataSources,
    deletedDefinitions,
    archivedReports: tokens(archived),
    purgedRuns: tokens(purged),
    updatedReports: tokens([...updated].filter((r) => !r.deleted)),
  };
}
