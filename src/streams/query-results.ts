import type { StreamDefinition } from "./types.js";

/**
 * Result rows of query runs, one record per row, filled by the report-results feature (issue 7) from
 * `…/query_runs/{query_run}/results/content.json` (mode-api notes §5). It has no list endpoint of its own: `kind:
 * "results"` and `path: null` mark it as special for the sync engine. The columns of a row are not known at discovery,
 * so they travel in the open `row` object. Not selected by default: results can be large.
 */
export const queryResultsStream: StreamDefinition = {
  name: "query_results",
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
