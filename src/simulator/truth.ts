import { auditLogId, auditLogTime, AUDIT_LOG_PAGE_SIZE } from "./bodies/audit-logs.js";
import {
  definitionToken,
  dataSourceToken,
  groupMemberIndexes,
  groupMembershipToken,
  groupToken,
} from "./bodies/management.js";
import { discoveryCharts, discoveryMembershipToken, discoveryReports } from "./bodies/discovery.js";
import { chartToken, chartTokens } from "./bodies/queries.js";
import { filterToken, scheduleToken, subscriptionToken } from "./bodies/distribution.js";
import { liveQueries } from "./bodies/reports.js";
import { spaceMemberIndexes, spaceMembershipToken } from "./bodies/spaces.js";
import { PagePolicies } from "./listing.js";
import { runCount, runTokensOf } from "./runs.js";
import type { ReportState } from "./state.js";
import { TokenKind } from "./tokens.js";
import type { MinimalRequests, MinimalRequestsOptions } from "./types.js";
import type { World } from "./world.js";
import { liveMembers, liveMemberships, liveOf } from "./live.js";

/** Tap stream name -> every primary-key value a complete sync must emit, sorted. */
export type Truth = Record<string, string[]>;

function reportsOf(world: World): ReportState[] {
  return world.state.spaces.flatMap((s) => s.reports);
}

function datasetsOf(world: World): ReportState[] {
  return world.state.spaces.flatMap((s) => s.datasets);
}

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

// Query-run tokens of every run of `report`, computed from ordinals without building views.
function queryRunTokens(world: World, report: ReportState): string[] {
  const out: string[] = [];
  for (let k = 0; k < report.baseRuns; k++) {
    const runOrdinal = report.serial * 4096 + k;
    for (let p = 0; p < report.baseQueryCount; p++)
      out.push(world.tokens.make(TokenKind.queryRun, runOrdinal * 256 + p));
  }
  for (const run of report.added)
    for (let p = 0; p < run.queries.length; p++)
      out.push(world.tokens.make(TokenKind.addedQueryRun, run.serial * 256 + p));
  return out;
}

/**
 * The full truth, per the tap's stream names and keys: every space (personal ones included), every
 * report in every space (archived included), their children, and workspace-level lists, datasets'
 * queries included (the tap's dataset_queries). Datasets' query runs are not a tap stream and are not listed.
 * Admin-only streams are listed even when the simulator runs with `admin: false` (the tap then cannot read them).
 */
export function computeTruth(world: World): Truth {
  const { size, state } = world;
  const reports = reportsOf(world);
  const datasets = datasetsOf(world);
  const queries = reports.flatMap(liveQueries);
  const sorted = (values: string[]): string[] => values.sort();
  return {
    workspaces: [state.accountToken],
    spaces: sorted(state.spaces.map((s) => s.token)),
    space_memberships: sorted(
      state.spaces.flatMap((s) =>
        liveMemberships(world, spaceMemberIndexes(world, s)).map(({ position }) =>
          spaceMembershipToken(world, s, position),
        ),
      ),
    ),
    reports: sorted(reports.map((r) => r.token)),
    queries: sorted(queries.map((q) => q.token)),
    charts: sorted(queries.flatMap((q) => chartTokens(world, q))),
    report_filters: sorted(reports.flatMap((r) => range(r.filters, (i) => filterToken(world, r, i)))),
    report_schedules: sorted(reports.flatMap((r) => range(r.schedules, (i) => scheduleToken(world, r, i)))),
    report_subscriptions: sorted(reports.flatMap((r) => range(r.subscriptions, (i) => subscriptionToken(world, r, i)))),
    runs: sorted(reports.flatMap((r) => runTokensOf(world, r))),
    query_runs: sorted(reports.flatMap((r) => queryRunTokens(world, r))),
    datasets: sorted(datasets.map((d) => d.token)),
    dataset_queries: sorted(datasets.flatMap(liveQueries).map((q) => q.token)),
    dataset_runs: sorted(datasets.flatMap((d) => runTokensOf(world, d))),
    dataset_schedules: sorted(datasets.flatMap((d) => range(d.schedules, (i) => scheduleToken(world, d, i)))),
    data_sources: sorted(liveOf(world, "dataSources").map((i) => dataSourceToken(world, i))),
    definitions: sorted(liveOf(world, "definitions").map((i) => definitionToken(world, i))),
    memberships: sorted(liveMembers(world).map((m) => m.token)),
    groups: sorted(liveOf(world, "groups").map((g) => groupToken(world, g))),
    group_memberships: sorted(
      liveOf(world, "groups").flatMap((g) =>
        liveMemberships(world, groupMemberIndexes(world, g)).map(({ position }) =>
          groupMembershipToken(world, g, position),
        ),
      ),
    ),
    audit_logs: sorted(range(size.auditLogs, (i) => auditLogId(world, i))),
  };
}

/**
 * Every key the discovery streams must emit for a complete read with `include_spaces=all` (the tap's default): every
 * space, every live report (datasets are not listed) with its live queries, their charts and one stat row each, and
 * every member. Kept apart from computeTruth, whose streams a REST crawl of the simulator checks one for one.
 */
export function computeDiscoveryTruth(world: World): Truth {
  const scope = { includePersonal: true };
  const sorted = (values: string[]): string[] => values.sort();
  const reports = discoveryReports(world, scope);
  return {
    discovery_spaces: sorted(world.state.spaces.map((s) => s.token)),
    discovery_reports: sorted(reports.map((r) => r.token)),
    discovery_queries: sorted(reports.flatMap(liveQueries).map((q) => q.token)),
    discovery_charts: sorted(discoveryCharts(world, scope).map((c) => chartToken(world, c.query, c.position))),
    discovery_members: sorted(world.state.members.map((m) => discoveryMembershipToken(world, m))),
    discovery_report_stats: sorted(reports.map((r) => r.token)),
  };
}

const pages = (count: number, perPage: number): number => Math.max(1, Math.ceil(count / perPage));

/**
 * The fewest GET requests a complete full sync of every stream needs. Counted: one request per page
 * of every list, asking the largest page the endpoint honours (spaces 30, reports and datasets 30
 * fixed, runs and schedules 100, groups 20 fixed, audit logs 100), stopping on the last page by its
 * counters (no request for an empty page past the end; an empty list still costs one request);
 * one request per parent for unpaged lists (queries, charts, filters, subscriptions, query runs,
 * space and group memberships); one each for the workspace, data sources, definitions and
 * memberships. Not counted: `/verify`, detail endpoints, result downloads, retries. Spaces are
 * listed with `filter=all`; only reports (not datasets) fan out to queries, charts, filters,
 * subscriptions and query runs. With `admin: false`, groups and audit logs cost their one 403.
 */
export function countMinimalRequests(
  world: World,
  admin: boolean,
  options: MinimalRequestsOptions = {},
): MinimalRequests {
  const runsPerPage = Math.min(Math.max(1, options.runsPerPage ?? 100), PagePolicies.runs.maxPerPage);
  const schedulesPerPage = Math.min(Math.max(1, options.schedulesPerPage ?? 100), PagePolicies.schedules.maxPerPage);
  const spacesPerPage = Math.min(Math.max(1, options.spacesPerPage ?? 30), PagePolicies.spaces.maxPerPage);
  const reportsPerPage = PagePolicies.reports.defaultPerPage;
  const { state, size } = world;
  const spaces = state.spaces;
  const reports = reportsOf(world);
  const datasets = datasetsOf(world);
  const queries = reports.flatMap(liveQueries);
  const sum = <T>(items: readonly T[], f: (item: T) => number): number => items.reduce((acc, item) => acc + f(item), 0);
  let auditEntries = size.auditLogs;
  if (options.auditLogs !== undefined) {
    const start = Date.parse(options.auditLogs.start);
    const end = Date.parse(options.auditLogs.end);
    auditEntries = range(size.auditLogs, (i) => auditLogTime(world, i)).filter((t) => t >= start && t < end).length;
  }
  const byStream: Record<string, number> = {
    workspaces: 1,
    spaces: pages(spaces.length, spacesPerPage),
    space_memberships: spaces.length,
    reports: sum(spaces, (s) => pages(s.reports.length, reportsPerPage)),
    queries: reports.length,
    charts: queries.length,
    report_filters: reports.length,
    report_schedules: sum(reports, (r) => pages(r.schedules, schedulesPerPage)),
    report_subscriptions: reports.length,
    runs: sum(reports, (r) => pages(runCount(r), runsPerPage)),
    query_runs: sum(reports, (r) => runCount(r)),
    datasets: sum(spaces, (s) => pages(s.datasets.length, reportsPerPage)),
    dataset_queries: datasets.length,
    dataset_runs: sum(datasets, (d) => pages(runCount(d), runsPerPage)),
    dataset_schedules: sum(datasets, (d) => pages(d.schedules, schedulesPerPage)),
    data_sources: 1,
    definitions: 1,
    memberships: 1,
    groups: admin ? pages(liveOf(world, "groups").length, PagePolicies.groups.defaultPerPage) : 1,
    group_memberships: admin ? liveOf(world, "groups").length : 0,
    audit_logs: admin ? pages(auditEntries, AUDIT_LOG_PAGE_SIZE) : 1,
  };
  const wanted = options.streams === undefined ? undefined : new Set(options.streams);
  const selected = Object.fromEntries(
    Object.entries(byStream).filter(([stream]) => wanted === undefined || wanted.has(stream)),
  );
  return { total: Object.values(selected).reduce((a, b) => a + b, 0), byStream: selected };
}
