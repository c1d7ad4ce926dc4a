import { liveQueries } from "../src/simulator/bodies/reports.js";
import type { WorkspaceModel } from "../src/simulator/model.js";
import type { MinimalRequests, MutationResult } from "../src/simulator/types.js";

/** Streams whose lists an incremental sync must still read in full: changes and deletions show only there. */
const ALWAYS_LISTED = [
  "workspaces",
  "spaces",
  "space_memberships",
  "reports",
  "datasets",
  "data_sources",
  "definitions",
  "memberships",
  "groups",
  "group_memberships",
];

/** The largest `per_page` report runs and schedules honour (the simulator's PagePolicies; docs/mode-api.md §2.4). */
const PER_PAGE = 100;

const pages = (count: number): number => Math.max(1, Math.ceil(count / PER_PAGE));

/**
 * The fewest GET requests an incremental sync needs after `change`, from the workspace's shape and page sizes, in the
 * terms of `model.minimalRequests()` (which counts a full sync):
 * - every list that is the only place a change or a deletion shows is read in full: the workspace-level lists, spaces,
 *   space memberships, and the report and dataset pages of every space (Mode has no "changed since" listing that also
 *   reports deletions, docs/mode-api.md §2.5);
 * - audit logs: one page from the bookmark on;
 * - every report whose `updated_at` moved: its queries, the charts of each live query, filters, schedule pages and
 *   subscriptions once;
 * - every report with new runs: one page of runs (newest first, the new runs fit on it) and the query runs of each
 *   new run. Runs of other reports, and unchanged datasets' children, cost nothing.
 */
export function incrementalMinimalRequests(model: WorkspaceModel, change: MutationResult): MinimalRequests {
  const full = model.minimalRequests().byStream;
  const byStream: Record<string, number> = {};
  for (const stream of ALWAYS_LISTED) byStream[stream] = full[stream] ?? 0;
  byStream.audit_logs = 1;
  const add = (stream: string, n: number): void => {
    byStream[stream] = (byStream[stream] ?? 0) + n;
  };
  for (const stream of [
    "queries",
    "charts",
    "report_filters",
    "report_schedules",
    "report_subscriptions",
    "runs",
    "query_runs",
  ])
    add(stream, 0);
  for (const token of change.updatedReports) {
    const report = model.report(token);
    if (report === undefined || report.deleted) continue;
    add("queries", 1);
    add("charts", liveQueries(report).length);
    add("report_filters", 1);
    add("report_schedules", pages(report.schedules));
    add("report_subscriptions", 1);
  }
  const added = new Set(change.addedRuns);
  for (const token of change.reportsWithNewRuns) {
    const report = model.report(token);
    if (report === undefined || report.deleted) continue;
    const newRuns = report.added.filter((run) => added.has(run.token)).length;
    add("runs", pages(newRuns));
    add("query_runs", newRuns);
  }
  return { total: Object.values(byStream).reduce((a, b) => a + b, 0), byStream };
}
