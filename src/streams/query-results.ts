import type { StreamDefinition } from "./types.js";

/**
 * Result rows of query runs, one record per row, read by the `results` walk (src/sync/strategies/results.ts) from
 * `…/query_runs/{query_run}/results/content.json` (docs/mode-api.md §5) for the reports `report_results` names. It
 * has no list endpoint of its own (`path: null`); its parent chain (query_runs, runs, reports) names the lists the walk
 * reads on the way. The columns of a row are not known at discovery, so they travel in the open `row` object. Not
 * selected by default: results can be large.
 */
export const queryResultsStream: StreamDefinition = {
  name: "query_results",
  walk: "results",
  path: null,
  kind: "results",
  paged: false,
  keyProperties: ["query_run_token", "row_number"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  parent: "query_runs",
  contextFields: { report_token: "report", run_token: "run", query_run_token: "query_run", query_token: "query" },
  tolerate: [404],
  selectedByDefault: false,
  description: "Result rows of query runs (report results), one record per row; opt-in.",
};
