/**
 * The simulator's request counters by route, renamed to the tap streams `model.minimalRequests()` counts them under.
 */
const STREAM_OF_ROUTE: Readonly<Record<string, string>> = {
  "GET /{ws}": "workspaces",
  "GET /{ws}/spaces": "spaces",
  "GET /{ws}/spaces/{space}/memberships": "space_memberships",
  "GET /{ws}/spaces/{space}/reports": "reports",
  "GET /{ws}/spaces/{space}/datasets": "datasets",
  "GET /{ws}/reports/{report}/queries": "queries",
  "GET /{ws}/reports/{report}/queries/{query}/charts": "charts",
  "GET /{ws}/reports/{report}/filters": "report_filters",
  "GET /{ws}/reports/{report}/schedules": "report_schedules",
  "GET /{ws}/reports/{report}/subscriptions": "report_subscriptions",
  "GET /{ws}/reports/{report}/runs": "runs",
  "GET /{ws}/reports/{report}/runs/{run}/query_runs": "query_runs",
  "GET /{ws}/datasets/{dataset}/runs": "dataset_runs",
  "GET /{ws}/datasets/{dataset}/schedules": "dataset_schedules",
  "GET /{ws}/data_sources": "data_sources",
  "GET /{ws}/definitions": "definitions",
  "GET /{ws}/memberships": "memberships",
  "GET /{ws}/groups": "groups",
  "GET /{ws}/groups/{group}/memberships": "group_memberships",
  "GET /{ws}/audit_logs": "audit_logs",
};

/** Requests per stream; routes no stream lists under (detail endpoints, /verify) keep their route as the name. */
export function requestsByStream(byRoute: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, count] of Object.entries(byRoute)) {
    const stream = STREAM_OF_ROUTE[route] ?? route;
    out[stream] = (out[stream] ?? 0) + count;
  }
  return out;
}
