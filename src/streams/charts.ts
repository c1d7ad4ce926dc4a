import type { StreamDefinition } from "./types.js";

/** Charts of each query (mode-api notes §3.5). Charts have no `id`; the token is the key. */
export const chartsStream: StreamDefinition = {
  name: "charts",
  path: "/{workspace}/reports/{report}/queries/{query}/charts",
  kind: "list",
  embeddedKey: "charts",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  parent: "queries",
  contextFields: { report_token: "report", query_token: "query" },
  tolerate: [404],
  selectedByDefault: true,
  description: "Charts of each query, with their visualisation settings; incremental: re-read only for changed reports.",
};
