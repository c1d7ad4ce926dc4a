import { tokenOf } from "./tokens.js";
import { READ_WITH_PARENT } from "./read-with-parent.js";
import type { StreamDefinition } from "./types.js";

/**
 * Query runs of each report run (docs/mode-api.md §3.7). They carry the executed SQL (`rendered_source`) and the
 * `query_token` that ties a result to its query (docs/mode-api.md §4), passed on to query_results.
 */
export const queryRunsStream: StreamDefinition = {
  ...READ_WITH_PARENT,
  name: "query_runs",
  path: "/{workspace}/reports/{report}/runs/{run}/query_runs",
  embeddedKey: "query_runs",
  paged: false,
  parent: "runs",
  contextFields: { report_token: "report", run_token: "run" },
  childContext: (record) => {
    const context: Record<string, string> = { query_run: tokenOf(record) };
    if (typeof record.query_token === "string") context.query = record.query_token;
    return context;
  },
  description:
    "Query runs of each report run: executed SQL, state, errors; incremental: read for new and changed runs.",
};
