import { tokenOf } from "./tokens.js";
import type { StreamDefinition } from "./types.js";

/**
 * Report runs of each report, under `_embedded.report_runs` with a `pagination` block (docs/mode-api.md §3.6, §2.4).
 * Newest first by default; incremental reads filter `{created_at|updated_at}.gt.…` with `order=asc`
 * (docs/mode-api.md §2.5), so both timestamps are valid replication keys. Query runs of a run are addressed by the run
 * token.
 */
export const runsStream: StreamDefinition = {
  name: "runs",
  walk: "run-partitioned",
  path: "/{workspace}/reports/{report}/runs",
  kind: "list",
  embeddedKey: "report_runs",
  paged: true,
  perPage: 100,
  cursor: "page",
  keyProperties: ["token"],
  validReplicationKeys: ["created_at", "updated_at"],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  defaultReplicationKey: "updated_at",
  parent: "reports",
  contextFields: { report_token: "report" },
  childContext: (record) => ({ run: tokenOf(record) }),
  tolerate: [404],
  selectedByDefault: true,
  description: "Runs of each report (state, parameters, timings), incremental on updated_at or created_at.",
};
