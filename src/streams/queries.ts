import { tokenOf } from "./tokens.js";
import type { StreamDefinition } from "./types.js";

/**
 * Queries of each report, under `_embedded.queries` (mode-api notes §3.4). The endpoint ignores `page` and returns
 * the whole list every time (mode-api notes §2.4, §7.9), so it is read unpaged. A report deleted between the report
 * list and this call answers 404: skipped with a warning (house style practice 6).
 */
export const queriesStream: StreamDefinition = {
  name: "queries",
  path: "/{workspace}/reports/{report}/queries",
  kind: "list",
  embeddedKey: "queries",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  parent: "reports",
  contextFields: { report_token: "report" },
  childContext: (record) => ({ query: tokenOf(record) }),
  tolerate: [404],
  selectedByDefault: true,
  description: "Queries (SQL) of each report; incremental: re-read only for reports whose updated_at moved.",
};
